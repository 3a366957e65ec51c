/** The breaker chart's guards, by the names the chart uses. Pure predicates of context and event. */
import {
  countsAsFailure,
  hasProbeSlot,
  isBackoffElapsed,
  isCurrent,
  probeVerdict,
  reachesThreshold,
  tripsOnRate,
} from './breaker.logic.js';
import { currentOutcome } from './breaker.context.js';
import type { BreakerArgs } from './breaker.setup.js';
import { stepEvent } from './breaker.start.js';

export const breakerGuards = {
  isCurrentGeneration: ({ context, event }: BreakerArgs) =>
    'generation' in event && isCurrent(context, event.generation),
  isCountingFailure: ({ context, event }: BreakerArgs) =>
    event.type === 'call.failed' &&
    isCurrent(context, event.generation) &&
    countsAsFailure(context.config, event.category),
  // Also in the first step of a woken breaker: its `start.outcome` is the failure read.
  isTrippingFailure: ({ context, event: step }: BreakerArgs) => {
    const event = stepEvent(step);
    return (
      event.type === 'call.failed' &&
      isCurrent(context, event.generation) &&
      countsAsFailure(context.config, event.category) &&
      reachesThreshold(context, event.count ?? 1)
    );
  },
  hasFailuresToClear: ({ context, event }: BreakerArgs) =>
    event.type === 'call.succeeded' &&
    isCurrent(context, event.generation) &&
    (context.failureCount > 0 || event.failedBefore !== undefined),
  isRateReached: ({ context, event: step }: BreakerArgs) => {
    const event = stepEvent(step);
    const outcome = currentOutcome(context, event);
    if (outcome === null || (event.type === 'call.failed' && event.inWindow === true)) return false;
    return tripsOnRate(context, (event as { at: number }).at, outcome.failed, outcome.slow);
  },
  hasHealthCheck: ({ context }: BreakerArgs) => context.config.healthCheckGraceMs !== null,
  isWindowed: ({ context, event }: BreakerArgs) =>
    'generation' in event && isCurrent(context, event.generation) && context.window !== null,
  failsProbes: ({ context, event }: BreakerArgs) => {
    const outcome = currentOutcome(context, event);
    return outcome !== null && probeVerdict(context, outcome.failed, outcome.slow) === 'fail';
  },
  passesProbes: ({ context, event }: BreakerArgs) => {
    const outcome = currentOutcome(context, event);
    return outcome !== null && probeVerdict(context, outcome.failed, outcome.slow) === 'pass';
  },
  isBackoffElapsed: ({ context, event }: BreakerArgs) =>
    event.type === 'call.requested' && isBackoffElapsed(context, event.at),
  hasProbeSlot: ({ context }: BreakerArgs) => hasProbeSlot(context),
  isLastProbe: ({ context, event }: BreakerArgs) =>
    'generation' in event && isCurrent(context, event.generation) && context.probesInFlight <= 1,
};
