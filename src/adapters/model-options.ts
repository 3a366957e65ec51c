/** The options of `breakerMiddleware`, validated once. */
import { MAX_DELAY_MS } from '../../machines/breaker.logic.js';
import type { TimerClock } from '../clock.js';
import { checkOptionNames } from '../option-checks.js';

/** Options of `breakerMiddleware`. */
export interface BreakerMiddlewareOptions {
  /**
   * Milliseconds a stream may stay silent between two chunks (while its reader waits). Past
   * it the provider's request is aborted and the call counts as `timeout`. Also the default of
   * `firstChunkTimeoutMs`. Does not apply to `doGenerate` (give the AI SDK call an
   * `abortSignal`, e.g. `AbortSignal.timeout(ms)`, which counts as `timeout` too).
   * @default undefined (no limit)
   */
  readonly timeoutMs?: number | undefined;
  /**
   * Milliseconds from the start of a stream call to its first chunk (a `stream-start` part
   * does not count): the provider's time to first token. Past it the request is aborted and
   * counts as `timeout`. Reasoning models may need more than `timeoutMs` here.
   * @default timeoutMs
   */
  readonly firstChunkTimeoutMs?: number | undefined;
  /**
   * Timers for the stream timeouts (XState's `SimulatedClock` fits).
   * @default real timers that do not keep the process alive
   */
  readonly clock?: TimerClock | undefined;
}

/** The options with defaults filled. */
export interface ResolvedMiddlewareOptions {
  readonly timeoutMs: number | undefined;
  readonly firstChunkTimeoutMs: number | undefined;
  readonly clock: TimerClock | undefined;
}

const OPTIONS: readonly (keyof BreakerMiddlewareOptions)[] = ['timeoutMs', 'firstChunkTimeoutMs', 'clock'];

function timeout(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > MAX_DELAY_MS) {
    throw new RangeError(
      `tripstate: option ${name} must be a finite number of milliseconds in [1, ${MAX_DELAY_MS}], got ${typeof value === 'number' ? value : (JSON.stringify(value) ?? typeof value)}`,
    );
  }
  return value;
}

/** Validates the middleware's options. Throws a RangeError or TypeError naming the option and value. */
export function resolveMiddlewareOptions(options: BreakerMiddlewareOptions): ResolvedMiddlewareOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`tripstate: breakerMiddleware() options must be an object, got ${String(options)}`);
  }
  checkOptionNames('breakerMiddleware option', options, OPTIONS);
  const timeoutMs = timeout('timeoutMs', options.timeoutMs);
  const firstChunkTimeoutMs = timeout('firstChunkTimeoutMs', options.firstChunkTimeoutMs) ?? timeoutMs;
  const { clock } = options;
  if (
    clock !== undefined &&
    (typeof clock?.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function')
  ) {
    throw new TypeError('tripstate: option clock must have setTimeout and clearTimeout functions');
  }
  return { timeoutMs, firstChunkTimeoutMs, clock };
}
