/**
 * The actors the agent machine uses for its tools: one call (admission, then the tool), a
 * watcher that turns a breaker's emitted events into events for the agent, and one that does
 * the same for the registry's recovery pause.
 */
import { fromCallback, fromPromise, type ActorRefFrom, type AnyActorRef, type EventObject } from 'xstate';
import type { breakerMachine, registryMachine } from '../../src/index.js';
import {
  classifyError,
  retryAfterFromError,
  type BreakerEmitted,
  type ErrorCategory,
} from '../../src/index.js';

/** A breaker actor spawned by the agent. */
export type BreakerRef = ActorRefFrom<typeof breakerMachine>;

/** The registry actor spawned by the agent. */
export type RegistryRef = ActorRefFrom<typeof registryMachine>;

/** A tool: arguments in, text out; throws on failure. */
export type ToolFn = (args: Record<string, unknown>) => Promise<string>;

/** What one tool call came to; `generation` is the breaker generation the call was admitted in. */
export type ToolOutcome =
  | { readonly tool: string; readonly admitted: false }
  | {
      readonly tool: string;
      readonly admitted: true;
      readonly generation: number;
      readonly ok: true;
      readonly output: string;
    }
  | {
      readonly tool: string;
      readonly admitted: true;
      readonly generation: number;
      readonly ok: false;
      readonly category: ErrorCategory;
      readonly retryAfterMs: number | undefined;
    };

/** Input of `callTool`. */
export interface CallToolInput {
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly run: ToolFn;
  readonly breaker: BreakerRef;
  readonly now: () => number;
}

/**
 * Admission as the chart defines it: `closed` admits in its generation without an event;
 * otherwise `call.requested` is sent and the call is admitted unless the chart counted a
 * denial. Returns the generation, or -1 when rejected.
 */
export function admit(breaker: BreakerRef, at: number): number {
  const before = breaker.getSnapshot();
  if (before.value === 'closed') return before.context.generation;
  breaker.send({ type: 'call.requested', at });
  const after = breaker.getSnapshot().context;
  return after.deniedRequests === before.context.deniedRequests ? after.generation : -1;
}

/** One tool call: asks the breaker for admission, runs the tool, and resolves with the outcome. */
export const callTool = fromPromise<ToolOutcome, CallToolInput>(async ({ input }) => {
  const { tool, args, run, breaker, now } = input;
  const generation = admit(breaker, now());
  if (generation < 0) return { tool, admitted: false };
  try {
    return { tool, admitted: true, generation, ok: true, output: await run(args) };
  } catch (error) {
    const category = classifyError(error);
    return {
      tool,
      admitted: true,
      generation,
      ok: false,
      category,
      retryAfterMs: retryAfterFromError(error, now()),
    };
  }
});

/** Events a watcher sends to the agent. */
export type BreakerNews =
  | {
      readonly type: 'tool.opened';
      readonly tool: string;
      readonly backoffMs: number;
      readonly reason: string;
    }
  | { readonly type: 'tool.halfOpened'; readonly tool: string }
  | { readonly type: 'tool.closed'; readonly tool: string; readonly reason: string };

type Emitted<K extends BreakerEmitted['type']> = Extract<BreakerEmitted, { type: K }>;

/** Forwards a breaker's `opened`, `halfOpened` and `closed` emitted events to the agent. */
export const watchBreaker = fromCallback<
  EventObject,
  { readonly tool: string; readonly breaker: AnyActorRef }
>(({ input, sendBack }) => {
  const { tool, breaker } = input;
  const news = (event: BreakerNews): void => sendBack(event);
  const subscriptions = [
    breaker.on('opened', (e: Emitted<'opened'>) =>
      news({ type: 'tool.opened', tool, backoffMs: e.backoffMs, reason: e.reason }),
    ),
    breaker.on('halfOpened', () => news({ type: 'tool.halfOpened', tool })),
    breaker.on('closed', (e: Emitted<'closed'>) => news({ type: 'tool.closed', tool, reason: e.reason })),
  ];
  return () => subscriptions.forEach((s) => s.unsubscribe());
});

/** Events the registry watcher sends to the agent. */
export type RegistryNews =
  | { readonly type: 'registry.paused'; readonly openCircuits: number; readonly limit: number }
  | { readonly type: 'registry.resumed'; readonly openCircuits: number };

/** Forwards the registry's `recoveryPause` and `recoveryResumed` emitted events to the agent. */
export const watchRegistry = fromCallback<EventObject, { readonly registry: RegistryRef }>(
  ({ input, sendBack }) => {
    const { registry } = input;
    const news = (event: RegistryNews): void => sendBack(event);
    const subscriptions = [
      registry.on('recoveryPause', (e) =>
        news({ type: 'registry.paused', openCircuits: e.openCircuits, limit: e.limit }),
      ),
      registry.on('recoveryResumed', (e) => news({ type: 'registry.resumed', openCircuits: e.openCircuits })),
    ];
    return () => subscriptions.forEach((s) => s.unsubscribe());
  },
);
