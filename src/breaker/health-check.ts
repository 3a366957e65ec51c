/**
 * The health check: run by the breaker as its probe when the chart's `healthCheckGrace`
 * ends with no caller (`healthCheckStarted`). One at a time per probe, cut at
 * `probeTimeoutMs`, and aborted when the breaker stops.
 */
import type { TimerClock } from '../clock.js';
import { callWithTimeout, type TimedCallOutcome } from './timeout.js';

/** Runs a breaker's health checks. */
export class HealthCheckRunner {
  readonly #stopped = new AbortController();

  constructor(
    readonly check: (signal: AbortSignal) => Promise<unknown>,
    readonly timers: TimerClock,
    readonly timeoutMs: number,
  ) {}

  /** Runs the check; `outcome` hears how it ended (the promise's own rejection is handled here). */
  run(outcome: TimedCallOutcome): void {
    if (this.#stopped.signal.aborted) return;
    callWithTimeout(this.check, this.#stopped.signal, this.timeoutMs, this.timers, outcome).catch(
      () => undefined,
    );
  }

  /** Aborts a running check; no other starts. */
  stop(): void {
    this.#stopped.abort(new DOMException('tripstate: the breaker stopped', 'AbortError'));
  }
}
