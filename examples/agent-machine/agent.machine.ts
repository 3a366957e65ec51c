/**
 * A user's own XState v5 agent loop that embeds tripstate's breaker statechart: it spawns one
 * `breakerMachine` actor per tool, sends each tool outcome to that tool's breaker
 * (`call.succeeded` / `call.failed` with the generation the call was admitted in), and
 * reacts to the breakers' emitted `opened` / `halfOpened` / `closed` events by steering the
 * "model" away from a broken tool (to its fallback) until the breaker lets a probe through.
 *
 *   deciding ──▶ calling (callTool) ──▶ thinking ──(after thinkTime)──▶ deciding … ──▶ done
 */
import { assign, enqueueActions, setup, type ActorRefFrom } from 'xstate';
import { breakerMachine, resolveBreakerConfig, type BreakerOptions } from '../../src/index.js';
import {
  callTool,
  watchBreaker,
  type BreakerNews,
  type BreakerRef,
  type ToolFn,
  type ToolOutcome,
} from './tool-actors.js';

/** One step of the scripted model: the tool it wants, and what it uses while that tool is broken. */
export interface PlannedCall {
  readonly tool: string;
  readonly args?: Record<string, unknown>;
  readonly fallback?: string;
}

/** Input of `agentMachine`. */
export interface AgentInput {
  readonly tools: Readonly<Record<string, ToolFn>>;
  readonly plan: readonly PlannedCall[];
  /** Epoch milliseconds, from the same clock the actor runs on. */
  readonly now: () => number;
  /** Breaker options of every tool (the numeric ones and `tripOn`). */
  readonly breaker?: BreakerOptions;
  /** Milliseconds between two model steps. @default 1000 */
  readonly thinkTimeMs?: number;
}

export interface AgentContext {
  readonly tools: Readonly<Record<string, ToolFn>>;
  readonly plan: readonly PlannedCall[];
  readonly now: () => number;
  readonly thinkTimeMs: number;
  readonly breakers: Readonly<Record<string, BreakerRef>>;
  /** Tools the agent avoids because their breaker opened. */
  readonly avoided: readonly string[];
  readonly step: number;
  readonly current: { readonly tool: string; readonly args: Record<string, unknown> } | null;
  /** What happened, one line per fact, for the user (and the test). */
  readonly log: readonly string[];
}

type AgentEvent = BreakerNews;

const line = (context: AgentContext, text: string): readonly string[] => [
  ...context.log,
  `t=${String(context.now()).padStart(6)} ${text}`,
];

export const agentMachine = setup({
  types: {
    context: {} as AgentContext,
    events: {} as AgentEvent,
    input: {} as AgentInput,
  },
  actors: { breaker: breakerMachine, callTool, watchBreaker },
  guards: {
    isPlanDone: ({ context }) => context.step >= context.plan.length,
  },
  delays: {
    thinkTime: ({ context }) => context.thinkTimeMs,
  },
  actions: {
    chooseTool: assign(({ context }) => {
      const planned = context.plan[context.step] as PlannedCall;
      const avoid = context.avoided.includes(planned.tool) && planned.fallback !== undefined;
      const tool = avoid ? planned.fallback : planned.tool;
      return {
        current: { tool, args: planned.args ?? {} },
        log: avoid ? line(context, `model avoids ${planned.tool} (circuit open), uses ${tool}`) : context.log,
      };
    }),
    reportOutcome: enqueueActions(({ context, event, enqueue }) => {
      const outcome = (event as unknown as { output: ToolOutcome }).output;
      const breaker = context.breakers[outcome.tool];
      if (!outcome.admitted || breaker === undefined) return;
      const at = context.now();
      enqueue.sendTo(
        breaker,
        outcome.ok
          ? { type: 'call.succeeded', generation: outcome.generation, at }
          : {
              type: 'call.failed',
              generation: outcome.generation,
              category: outcome.category,
              at,
              ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
            },
      );
    }),
    logOutcome: assign(({ context, event }) => {
      const o = (event as unknown as { output: ToolOutcome }).output;
      const text = !o.admitted
        ? 'rejected by its breaker'
        : o.ok
          ? `ok: ${o.output}`
          : `failed (${o.category})`;
      return { log: line(context, `${o.tool} ${text}`), step: context.step + 1, current: null };
    }),
    avoidTool: assign(({ context, event }) => {
      const e = event as Extract<AgentEvent, { type: 'tool.opened' }>;
      return {
        avoided: [...context.avoided.filter((t) => t !== e.tool), e.tool],
        log: line(context, `breaker ${e.tool} opened (${e.reason}), backoff ${e.backoffMs} ms`),
      };
    }),
    retryTool: assign(({ context, event }) => {
      const e = event as Extract<AgentEvent, { type: 'tool.halfOpened' | 'tool.closed' }>;
      const why = e.type === 'tool.closed' ? `closed (${e.reason})` : 'half-open: the next call probes';
      return {
        avoided: context.avoided.filter((t) => t !== e.tool),
        log: line(context, `breaker ${e.tool} ${why}`),
      };
    }),
  },
}).createMachine({
  id: 'agent',
  context: ({ input, spawn }) => {
    const config = resolveBreakerConfig(input.breaker ?? {});
    const breakers: Record<string, BreakerRef> = {};
    for (const tool of Object.keys(input.tools)) {
      const breaker = spawn('breaker', { id: `breaker.${tool}`, input: { config } });
      spawn('watchBreaker', { id: `watch.${tool}`, input: { tool, breaker } });
      breakers[tool] = breaker;
    }
    return {
      tools: input.tools,
      plan: input.plan,
      now: input.now,
      thinkTimeMs: input.thinkTimeMs ?? 1000,
      breakers,
      avoided: [],
      step: 0,
      current: null,
      log: [],
    };
  },
  on: {
    'tool.opened': { actions: 'avoidTool' },
    'tool.halfOpened': { actions: 'retryTool' },
    'tool.closed': { actions: 'retryTool' },
  },
  initial: 'deciding',
  states: {
    deciding: {
      always: [
        { guard: 'isPlanDone', target: 'done' },
        { target: 'calling', actions: 'chooseTool' },
      ],
    },
    calling: {
      invoke: {
        src: 'callTool',
        input: ({ context }) => {
          const { tool, args } = context.current as NonNullable<AgentContext['current']>;
          const run = context.tools[tool] ?? (() => Promise.reject(new Error(`unknown tool ${tool}`)));
          return { tool, args, run, breaker: context.breakers[tool] as BreakerRef, now: context.now };
        },
        onDone: { target: 'thinking', actions: ['reportOutcome', 'logOutcome'] },
      },
    },
    thinking: {
      after: { thinkTime: 'deciding' },
    },
    done: { type: 'final' },
  },
});

/** The running agent actor's type. */
export type AgentActor = ActorRefFrom<typeof agentMachine>;
