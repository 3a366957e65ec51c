/** The breaker chart's delays, by the names the chart uses: milliseconds from state entry. */
import { remainingBackoff } from './breaker.logic.js';
import { timeOf } from './breaker.context.js';
import type { BreakerArgs } from './breaker.setup.js';

export const breakerDelays = {
  /** Until `retryAt`, as seen from the event that entered `open.cooling`. */
  backoff: ({ context, event }: BreakerArgs) =>
    remainingBackoff(context, timeOf(event, context.openedAt)) ?? 0,
  probeTimeout: ({ context }: BreakerArgs) => context.config.probeTimeoutMs,
  /**
   * How long half-open stays idle before the health check runs. Without a health check it is
   * no number, so XState raises its event at once (the guard refuses it) and sets no timer.
   */
  healthCheckGrace: ({ context }: BreakerArgs) =>
    context.config.healthCheckGraceMs ?? (undefined as unknown as number),
};
