/** How a standalone breaker's actor is created (a registry's breakers are spawned by its chart). */
import { createActor, type Actor } from 'xstate';
import { breakerMachine, type BreakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerStart } from '../../machines/breaker.start.js';
import type { BreakerConfig, BreakerContext, BreakerInput } from '../../machines/breaker.types.js';
import { clockRunningFirst, unrefClock } from '../clock.js';
import type { ResolvedBreakerOptions } from '../options.js';
import type { LiveBreakerSnapshot } from '../snapshot.js';

/**
 * A new, unstarted actor of the breaker chart, started by the chart in `start`'s state and
 * context (none: a new breaker). Batches are flushed (`flush`) before any timer's transition: a
 * standalone actor gets a clock that runs `flush` first; a hosted actor runs on its host's
 * system clock, which flushes every batching breaker of the host.
 */
export function createBreakerActor(
  options: ResolvedBreakerOptions,
  start: BreakerStart | undefined,
  flush: () => void,
): Actor<BreakerMachine> {
  const { config, clock, inspect } = options;
  return createActor(breakerMachine, {
    input: breakerInput(config, start),
    clock: clockRunningFirst(clock ?? unrefClock, flush),
    ...(inspect === undefined ? {} : { inspect }),
  });
}

/** The chart's input: its config, and where it starts. */
export function breakerInput(config: BreakerConfig, start: BreakerStart | undefined): BreakerInput {
  return start === undefined ? { config } : { config, start };
}

/** The chart's `start` for a restored snapshot or a dormant context, re-armed from `at`. */
export function startOf(snapshot: LiveBreakerSnapshot, at: number): BreakerStart {
  return { value: snapshot.value, context: snapshot.context, at };
}

/** The snapshot of a dormant breaker: closed, with its context. */
export function dormantSnapshot(context: BreakerContext): LiveBreakerSnapshot {
  return { status: 'active', value: 'closed', context, historyValue: {}, children: {} };
}
