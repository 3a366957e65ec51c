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
    // Slow calls as the window counts them: a slow failure of a category that does not trip is not one.
    counts: (tool) => {
      const breaker = target.breaker(tool, false);
      return breaker && { successes: breaker.stats().successes, slow: breaker.countedSlowCalls };
    },
    windowSuccesses: (tool) => localWindowSuccesses(target.breaker(tool, false), target.now()),
    send,
  };
}
