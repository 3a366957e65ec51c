/**
 * A user's own XState v5 agent loop that embeds tripstate's statecharts: it spawns one
 * `breakerMachine` actor per tool and one `registryMachine` actor for all of them. It sends
 * each tool outcome to that tool's breaker (`call.succeeded` / `call.failed` with the
 * generation the call was admitted in), reacts to the breakers' emitted `opened` /
 * `halfOpened` / `closed` events by steering the "model" away from a broken tool (to its
 * fallback) until the breaker lets a probe through, and tells the registry which circuits
 * are open (`breaker.opened` / `breaker.recovered`). When the registry enters its recovery
 * pause (too many tools open at once) the agent stops calling tools until it resumes.
 *
 *   deciding ──▶ calling (callTool) ──▶ thinking ──(after thinkTime)──▶ deciding … ──▶ done
 *   deciding ──(registry paused)──▶ paused ──(registry resumed)──▶ deciding
 */
import { assign, enqueueActions, setup, type ActorRefFrom } from 'xstate';
import {
  breakerMachine,
  registryMachine,
  resolveBreakerConfig,
  type BreakerOptions,
} from '../../src/index.js';
import {
  callTool,
  watchBreaker,
  watchRegistry,
  type BreakerNews,
  type BreakerRef,
  type RegistryNews,
  type RegistryRef,
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
  /** Open circuits at which the registry pauses the agent; null: never. @default null */
  readonly maxOpenCircuits?: number | null;
}

export interface AgentContext {
  readonly tools: Readonly<Record<string, ToolFn>>;
  readonly plan: readonly PlannedCall[];
  readonly now: () => number;
  readonly thinkTimeMs: number;
  readonly breakers: Readonly<Record<string, BreakerRef>>;
  readonly registry: RegistryRef;
  /** Tools the agent avoids because their breaker opened. */
  readonly avoided: readonly string[];
  /** Tools the registry was told are open. */
  readonly openTools: readonly string[];
  /** True while the registry is in its recovery pause. */
  readonly paused: boolean;
  readonly step: number;
  readonly current: { readonly tool: string; readonly args: Record<string, unknown> } | null;
  /** What happened, one line per fact, for the user (and the test). */
  readonly log: readonly string[];
}

type AgentEvent = BreakerNews | RegistryNews;

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
  actors: { breaker: breakerMachine, registry: registryMachine, callTool, watchBreaker, watchRegistry },
  guards: {
    isPlanDone: ({ context }) => context.step >= context.plan.length,
    isPaused: ({ context }) => context.paused,
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
    /** The registry counts open circuits: an opening once, a recovery (half-open or closed) once. */
    tellRegistry: enqueueActions(({ context, event, enqueue }) => {
      const e = event as BreakerNews;
      const open = e.type === 'tool.opened';
      if (open === context.openTools.includes(e.tool)) return;
      enqueue.sendTo(context.registry, { type: open ? 'breaker.opened' : 'breaker.recovered', tool: e.tool });
      enqueue.assign({
        openTools: open ? [...context.openTools, e.tool] : context.openTools.filter((t) => t !== e.tool),
      });
    }),
    pause: assign(({ context, event }) => {
      const e = event as Extract<AgentEvent, { type: 'registry.paused' }>;
      return {
        paused: true,
        log: line(context, `recovery pause: open circuits ${e.openCircuits} (limit ${e.limit})`),
      };
    }),
    resume: assign(({ context, event }) => {
      const e = event as Extract<AgentEvent, { type: 'registry.resumed' }>;
      return { paused: false, log: line(context, `recovery pause over: open circuits ${e.openCircuits}`) };
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
    const registry = spawn('registry', {
      id: 'registry',
      input: { maxOpenCircuits: input.maxOpenCircuits ?? null },
    });
    spawn('watchRegistry', { id: 'watch.registry', input: { registry } });
    return {
      tools: input.tools,
      plan: input.plan,
      now: input.now,
      thinkTimeMs: input.thinkTimeMs ?? 1000,
      breakers,
      registry,
      avoided: [],
      openTools: [],
      paused: false,
      step: 0,
      current: null,
      log: [],
    };
  },
  on: {
    'tool.opened': { actions: ['avoidTool', 'tellRegistry'] },
    'tool.halfOpened': { actions: ['retryTool', 'tellRegistry'] },
    'tool.closed': { actions: ['retryTool', 'tellRegistry'] },
    'registry.paused': { actions: 'pause' },
    'registry.resumed': { actions: 'resume' },
  },
  initial: 'deciding',
  states: {
    deciding: {
      always: [
        { guard: 'isPlanDone', target: 'done' },
        { guard: 'isPaused', target: 'paused' },
        { target: 'calling', actions: 'chooseTool' },
      ],
    },
    paused: {
      on: { 'registry.resumed': { target: 'deciding', actions: 'resume' } },
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
