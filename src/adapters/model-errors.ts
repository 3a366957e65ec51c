/**
 * The errors of `breakerMiddleware`: a rejected model call, shaped so that tripstate's
 * `firstAvailable` and the AI SDK's fallback tooling both recognise it, and a stream timeout.
 */
import type { BreakerState } from '../../machines/breaker.types.js';
import { BrokenCircuitError } from '../errors.js';

/**
 * The AI SDK's error markers (`AISDKError.isInstance`, `APICallError.isInstance` read
 * `Symbol.for` keys, so that errors survive duplicated package copies).
 */
const AI_SDK_ERROR = Symbol.for('vercel.ai.error');
const AI_SDK_API_CALL_ERROR = Symbol.for('vercel.ai.error.AI_APICallError');

/**
 * Thrown by a model wrapped with `breakerMiddleware` when its circuit does not admit the call:
 * the provider is not called. It is a `BrokenCircuitError` (`isBrokenCircuitError`, `state`,
 * `remainingBackoffMs`, `tool` is the breaker's key), so `firstAvailable` skips the provider.
 * It also reads as the AI SDK's `APICallError` (`APICallError.isInstance(error)` is true) of
 * a `503` that is not retryable: the AI SDK's own retries (`maxRetries`) do not wait and
 * retry it, and fallback wrappers that switch models on a 503 or a non-retryable call error
 * switch to the next model. `responseHeaders['retry-after']` holds the whole seconds before a
 * probe is admitted, when known.
 */
export class ModelCircuitOpenError extends BrokenCircuitError {
  override readonly name: string = 'ModelCircuitOpenError';
  /** The model, as `provider/modelId` (e.g. `openai.chat/gpt-4o`); `key` when unknown. */
  readonly model: string;
  /** As on the AI SDK's `APICallError`: always 503 (Service Unavailable). */
  readonly statusCode = 503;
  /** As on the AI SDK's `APICallError`: false, retrying before the backoff ends is rejected again. */
  readonly isRetryable = false;
  /** As on the AI SDK's `APICallError`: no request was sent. */
  readonly url: string;
  /** As on the AI SDK's `APICallError`: no request was sent. */
  readonly requestBodyValues: undefined = undefined;
  /** `retry-after` in whole seconds while the circuit is open with a known backoff. */
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly [AI_SDK_ERROR] = true;
  readonly [AI_SDK_API_CALL_ERROR] = true;

  constructor(
    state: Exclude<BreakerState, 'closed'>,
    remainingBackoffMs: number | null,
    key: string | undefined,
    model: string,
  ) {
    super(state, remainingBackoffMs, key);
    this.model = model;
    this.url = `tripstate:circuit/${encodeURIComponent(key ?? model)}`;
    this.responseHeaders =
      remainingBackoffMs === null
        ? {}
        : { 'retry-after': String(Math.max(1, Math.ceil(remainingBackoffMs / 1000))) };
  }
}

/** Where a model stream went silent for longer than its timeout. */
export type StreamTimeoutPhase = 'firstChunk' | 'betweenChunks';

/**
 * A model stream that went silent: no first chunk within `firstChunkTimeoutMs` of the call,
 * or no chunk for `timeoutMs` between two chunks. Its `name` is `TimeoutError`, as for
 * `AbortSignal.timeout`, so `classifyError` counts it as `timeout`. It is the abort reason
 * given to the provider and the `error` of the stream's error part.
 */
export class StreamTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  /** Before the first chunk, or between two chunks. */
  readonly phase: StreamTimeoutPhase;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(phase: StreamTimeoutPhase, timeoutMs: number, model: string) {
    super(
      phase === 'firstChunk'
        ? `tripstate: no first chunk from ${model} within ${timeoutMs} ms`
        : `tripstate: the stream of ${model} stalled for ${timeoutMs} ms`,
    );
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}
