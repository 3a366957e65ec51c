/** How a breaker's actor is created: on its own clock, or as a child of its host's system. */
import { createActor, type Actor, type Snapshot } from 'xstate';
import { breakerMachine, type BreakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerContext } from '../../machines/breaker.types.js';
import { clockRunningFirst, unrefClock } from '../clock.js';
import type { ResolvedBreakerOptions } from '../options.js';
import type { LiveBreakerSnapshot } from '../snapshot.js';
import type { BreakerHost } from './host.js';

/**
 * A new, unstarted actor of the breaker chart. Batches are flushed (`flush`) before any
 * timer's transition: a standalone actor gets a clock that runs `flush` first; a hosted actor
 * runs on its host's system clock, which flushes every batching breaker of the host.
 */
export function createBreakerActor(
  options: ResolvedBreakerOptions,
  host: BreakerHost | undefined,
  tool: string | undefined,
  persisted: LiveBreakerSnapshot | undefined,
  flush: () => void,
): Actor<BreakerMachine> {
  const { config, clock, inspect } = options;
  const timers = host === undefined ? clockRunningFirst(clock ?? unrefClock, flush) : undefined;
  return createActor(breakerMachine, {
    input: { config },
    ...(timers === undefined ? {} : { clock: timers }),
    ...(inspect === undefined ? {} : { inspect }),
    ...(persisted === undefined ? {} : { snapshot: persisted as unknown as Snapshot<unknown> }),
    ...(host === undefined ? {} : { parent: host.parent, id: tool }),
  });
}

/** The snapshot of a dormant breaker: closed, with its context. */
export function dormantSnapshot(context: BreakerContext): LiveBreakerSnapshot {
  return { status: 'active', value: 'closed', context, historyValue: {}, children: {} };
}

/** True for a restored state whose timer must be re-armed (`breaker.rearm`): open, probing, or waiting for the fleet's lease answer. */
export function needsRearm(snapshot: LiveBreakerSnapshot): boolean {
  const value = snapshot.value;
  return typeof value === 'object' && ('open' in value || value.halfOpen !== 'idle');
}
