/**
 * The actors the agent machine uses for its tools: one tool call (the tool itself, its outcome
 * classified), and a watcher that turns the registry's emitted events into events for the agent.
 */
import { fromCallback, fromPromise, type ActorRefFrom, type EventObject } from 'xstate';
import type { registryMachine } from '../../src/index.js';
import { classifyError, retryAfterFromError, type ErrorCategory } from '../../src/index.js';

/** The registry actor spawned by the agent. */
export type RegistryRef = ActorRefFrom<typeof registryMachine>;

/** A tool: arguments in, text out; throws on failure. */
export type ToolFn = (args: Record<string, unknown>) => Promise<string>;

/** What one admitted tool call came to. */
export type ToolOutcome =
  | { readonly ok: true; readonly output: string }
  | { readonly ok: false; readonly category: ErrorCategory; readonly retryAfterMs: number | undefined };

/** Input of `callTool`. */
export interface CallToolInput {
  readonly args: Record<string, unknown>;
  readonly run: ToolFn;
  readonly now: () => number;
}

/** One admitted tool call: runs the tool and resolves with its outcome, a failure classified. */
export const callTool = fromPromise<ToolOutcome, CallToolInput>(async ({ input }) => {
  try {
    return { ok: true, output: await input.run(input.args) };
  } catch (error) {
    return {
      ok: false,
      category: classifyError(error),
      retryAfterMs: retryAfterFromError(error, input.now()),
    };
  }
});

/** Events the registry watcher sends to the agent. */
export type RegistryNews =
  | {
      readonly type: 'tool.opened';
      readonly tool: string;
      readonly backoffMs: number;
      readonly reason: string;
    }
  | { readonly type: 'tool.halfOpened'; readonly tool: string }
  | { readonly type: 'tool.closed'; readonly tool: string; readonly reason: string }
  | { readonly type: 'registry.paused'; readonly openCircuits: number; readonly limit: number }
  | { readonly type: 'registry.resumed'; readonly openCircuits: number };

/** Forwards the registry's emitted events (its breakers', with the tool, and its recovery pause) to the agent. */
export const watchRegistry = fromCallback<EventObject, { readonly registry: RegistryRef }>(
  ({ input, sendBack }) => {
    const { registry } = input;
    const news = (event: RegistryNews): void => sendBack(event);
    const subscriptions = [
      registry.on('opened', (e) =>
        news({ type: 'tool.opened', tool: e.tool, backoffMs: e.backoffMs, reason: e.reason }),
      ),
      registry.on('halfOpened', (e) => news({ type: 'tool.halfOpened', tool: e.tool })),
      registry.on('closed', (e) => news({ type: 'tool.closed', tool: e.tool, reason: e.reason })),
      registry.on('recoveryPause', (e) =>
        news({ type: 'registry.paused', openCircuits: e.openCircuits, limit: e.limit }),
      ),
      registry.on('recoveryResumed', (e) => news({ type: 'registry.resumed', openCircuits: e.openCircuits })),
    ];
    return () => subscriptions.forEach((s) => s.unsubscribe());
  },
);
