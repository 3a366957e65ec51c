/** What the share link reads from its breakers: the outbox's counts, whether half-open claims the lease, lease tokens. */
import type { Breaker } from '../breaker.js';
import type { FleetTarget } from './link.js';
import type { OutboxSink } from './outbox.js';
import type { OutcomeBatch } from './types.js';
import { localWindowSuccesses } from './window.js';

/** The outbox's view of a link's target: cumulative counts from each breaker's stats, sent by `send`. @internal */
export function outboxSink(
  target: FleetTarget,
  send: (tool: string, batch: OutcomeBatch) => Promise<void>,
): OutboxSink {
  return {
    counts: (tool) => {
      const stats = target.breaker(tool, false)?.stats();
      return stats && { successes: stats.successes, slow: stats.slowCalls };
    },
    windowSuccesses: (tool) => localWindowSuccesses(target.breaker(tool, false), target.now()),
    send,
  };
}

/** True when the breaker waits in `halfOpen.claiming` for the fleet's answer about the probe lease. @internal */
export const isClaiming = (breaker: Breaker): boolean => {
  const value = breaker.getSnapshot().value as unknown;
  return (
    typeof value === 'object' && value !== null && (value as { halfOpen?: string }).halfOpen === 'claiming'
  );
};

let tokenCounter = 0;
/** A probe lease token unique to this process's claim. @internal */
export const newToken = (): string =>
  `${Date.now().toString(36)}-${(++tokenCounter).toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
