/** What the share link's outbox reads from its breakers: cumulative counts, and the successes in a window. */
import type { FleetTarget } from './targets.js';
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
