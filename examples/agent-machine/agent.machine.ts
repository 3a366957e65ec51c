/**
 * A user's own XState v5 agent loop that drives tripstate's registry chart with events alone:
 * it spawns one `registryMachine` actor, asks it before each tool call (`tool.request`, answered
 * `tool.admitted` with the generation or `tool.rejected`), reports each outcome with that
 * generation (`tool.succeeded` / `tool.failed`), and reacts to the registry's emitted `opened` /
 * `halfOpened` / `closed` (each naming its tool) by steering the "model" away from a broken tool
 * (to its fallback) until the breaker lets a probe through. The registry spawns one breaker per
 * tool and counts the open circuits itself; when it enters its recovery pause (too many tools
 * open at once) the agent stops calling tools until it resumes.
 *
 *   deciding ──▶ asking (tool.request) ──admitted──▶ calling (callTool) ──▶ thinking ──(after thinkTime)──▶ deciding … ──▶ done
 *                       └──rejected──▶ thinking
 *   deciding ──(registry paused)──▶ paused ──(registry resumed)──▶ deciding
 */
import { assign, sendTo, setup, type ActorRefFrom } from 'xstate';
import {
  registryMachine,
  resolveBreakerConfig,
  type BreakerOptions,
  type ToolAnswer,
} from '../../src/index.js';
import {
  callTool,
  watchRegistry,
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
  readonly registry: RegistryRef;
  /** Tools the agent avoids because their breaker opened. */
  readonly avoided: readonly string[];
  /** True while the registry is in its recovery pause. */
  readonly paused: boolean;
  readonly step: number;
  /** The call being made, and the generation the registry admitted it in. */
  readonly current: {
    readonly tool: string;
    readonly args: Record<string, unknown>;
    readonly generation?: number;
  } | null;
  /** What happened, one line per fact, for the user (and the test). */
  readonly log: readonly string[];
}

type AgentEvent = RegistryNews | ToolAnswer;

const line = (context: AgentContext, text: string): readonly string[] => [
  ...context.log,
  `t=${String(context.now()).padStart(6)} ${text}`,
];

const currentOf = (context: AgentContext) => context.current as NonNullable<AgentContext['current']>;

export const agentMachine = setup({
  types: {
    context: {} as AgentContext,
    events: {} as AgentEvent,
    input: {} as AgentInput,
  },
  actors: { registry: registryMachine, callTool, watchRegistry },
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
    askRegistry: sendTo(
      ({ context }) => context.registry,
      ({ context, self }) => ({
        type: 'tool.request' as const,
        tool: currentOf(context).tool,
        replyTo: self,
        at: context.now(),
      }),
    ),
    keepGeneration: assign(({ context, event }) => ({
      current: {
        ...currentOf(context),
        generation: (event as Extract<ToolAnswer, { type: 'tool.admitted' }>).generation,
      },
    })),
    reportOutcome: sendTo(
      ({ context }) => context.registry,
      ({ context, event }) => {
        const { tool, generation = 0 } = currentOf(context);
        const outcome = (event as unknown as { output: ToolOutcome }).output;
        const at = context.now();
        return outcome.ok
          ? { type: 'tool.succeeded' as const, tool, generation, at }
          : {
              type: 'tool.failed' as const,
              tool,
              generation,
              category: outcome.category,
              at,
              ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
            };
      },
    ),
    logOutcome: assign(({ context, event }) => {
      const outcome = (event as unknown as { output: ToolOutcome }).output;
      const text = outcome.ok ? `ok: ${outcome.output}` : `failed (${outcome.category})`;
      return {
        log: line(context, `${currentOf(context).tool} ${text}`),
        step: context.step + 1,
        current: null,
      };
    }),
    logRejection: assign(({ context }) => ({
      log: line(context, `${currentOf(context).tool} rejected by its breaker`),
      step: context.step + 1,
      current: null,
    })),
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
    const registry = spawn('registry', {
      id: 'registry',
      input: {
        breaker: resolveBreakerConfig(input.breaker ?? {}),
        maxOpenCircuits: input.maxOpenCircuits ?? null,
      },
    });
    spawn('watchRegistry', { id: 'watch.registry', input: { registry } });
    return {
      tools: input.tools,
      plan: input.plan,
      now: input.now,
      thinkTimeMs: input.thinkTimeMs ?? 1000,
      registry,
      avoided: [],
      paused: false,
      step: 0,
      current: null,
      log: [],
    };
  },
  on: {
    'tool.opened': { actions: 'avoidTool' },
    'tool.halfOpened': { actions: 'retryTool' },
    'tool.closed': { actions: 'retryTool' },
    'registry.paused': { actions: 'pause' },
    'registry.resumed': { actions: 'resume' },
  },
  initial: 'deciding',
  states: {
    deciding: {
      always: [
        { guard: 'isPlanDone', target: 'done' },
        { guard: 'isPaused', target: 'paused' },
        { target: 'asking', actions: 'chooseTool' },
      ],
    },
    paused: {
      on: { 'registry.resumed': { target: 'deciding', actions: 'resume' } },
    },
    asking: {
      entry: 'askRegistry',
      on: {
        'tool.admitted': { target: 'calling', actions: 'keepGeneration' },
        'tool.rejected': { target: 'thinking', actions: 'logRejection' },
      },
    },
    calling: {
      invoke: {
        src: 'callTool',
        input: ({ context }) => {
          const { tool, args } = currentOf(context);
          const run = context.tools[tool] ?? (() => Promise.reject(new Error(`unknown tool ${tool}`)));
          return { args, run, now: context.now };
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
