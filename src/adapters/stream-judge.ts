/**
 * Judges a model's stream for the permit it was admitted with: the stream, not the call that
 * starts it, says whether the provider is healthy.
 */
import type { Permit } from '../breaker.js';
import { abortCategory } from '../classify.js';
import type { TimerClock } from '../clock.js';
import { reportFailure } from './gate.js';
import { StreamTimeoutError, type StreamTimeoutPhase } from './model-errors.js';

/** The fields of a language-model stream part the judge reads (AI SDK `LanguageModelV2/V3/V4StreamPart`). */
export interface StreamPartLike {
  readonly type: string;
  readonly error?: unknown;
  readonly finishReason?: unknown;
}

/** How one stream is judged. */
export interface StreamJudgeOptions {
  /** The admission the stream settles, exactly once. */
  readonly permit: Permit;
  /** Aborts the provider's request (the middleware's own controller). */
  readonly abort: (reason: unknown) => void;
  /** The caller's signal (`abortSignal` of the call). */
  readonly signal: AbortSignal | undefined;
  /** Milliseconds of silence allowed between two chunks; undefined for none. */
  readonly timeoutMs: number | undefined;
  readonly clock: TimerClock;
  /** Names the model in timeout messages. */
  readonly model: string;
}

/** Parts that carry no data from the provider: they do not end the wait for a first chunk. */
const isPreamble = (part: StreamPartLike): boolean => part.type === 'stream-start';

/** A finish part that reports an error (V2: a string reason; V3/V4: `{ unified }`). */
function finishedWithError(part: StreamPartLike): boolean {
  if (part.type !== 'finish') return false;
  const reason = part.finishReason;
  if (reason === 'error') return true;
  return (
    typeof reason === 'object' && reason !== null && (reason as { unified?: unknown }).unified === 'error'
  );
}

/**
 * A one-shot timer on `clock` whose action can be replaced while it runs (the wait for a
 * first chunk starts with the call and goes on inside the stream). @internal
 */
export class Deadline {
  #id: unknown;
  #armed = false;
  #fire: () => void = () => undefined;
  /** The milliseconds it was last armed with; undefined for none. */
  ms: number | undefined;
  constructor(readonly clock: TimerClock) {}
  /** Starts the timer (replacing a running one); `ms` undefined arms nothing. */
  arm(ms: number | undefined, fire: () => void): void {
    this.clear();
    this.ms = ms;
    this.#fire = fire;
    if (ms === undefined) return;
    this.#armed = true;
    this.#id = this.clock.setTimeout(() => {
      if (!this.#armed) return;
      this.#armed = false;
      this.#fire();
    }, ms);
  }
  /** Replaces what the running timer does when it fires. */
  onFire(fire: () => void): void {
    this.#fire = fire;
  }
  clear(): void {
    if (!this.#armed) return;
    this.#armed = false;
    this.clock.clearTimeout(this.#id);
  }
}

/**
 * Wraps `source` so that its outcome settles `options.permit` once:
 * - a normal end is a success (unless an error part came first);
 * - an `error` part, or a finish with reason `error`, is a failure of the part's error
 *   (classified by the breaker); the part is passed on;
 * - a thrown error (the source errors) is a failure, rethrown to the reader;
 * - silence past `firstDeadline` (armed by the caller from the start of the call) or past
 *   `timeoutMs` while waiting for the next chunk is a `timeout`: the provider is aborted, the
 *   reader gets an error part with a `StreamTimeoutError`, and the stream ends;
 * - a reader that cancels is `cancelled`; the caller's signal aborting is `cancelled`
 *   (`timeout` for a `TimeoutError` reason), and the reader gets the abort reason.
 * Time spent while the reader is not reading is not counted: the wait for a chunk is.
 */
export function judgeStream<PART extends StreamPartLike>(
  source: ReadableStream<PART>,
  firstDeadline: Deadline,
  options: StreamJudgeOptions,
): ReadableStream<PART> {
  const { permit, signal, timeoutMs, clock } = options;
  const reader = source.getReader();
  const gap = new Deadline(clock);
  let first = true;
  let ended = false;
  let output: ReadableStreamDefaultController<PART>;

  const finish = (): void => {
    ended = true;
    firstDeadline.clear();
    gap.clear();
    signal?.removeEventListener('abort', onAbort);
  };
  const stop = (reason: unknown): void => {
    options.abort(reason);
    reader.cancel(reason).catch(() => undefined);
  };
  const timedOut = (phase: StreamTimeoutPhase, ms: number): void => {
    if (ended) return;
    finish();
    permit.failure('timeout');
    const error = new StreamTimeoutError(phase, ms, options.model);
    stop(error);
    output.enqueue({ type: 'error', error } as unknown as PART);
    output.close();
  };
  function onAbort(): void {
    if (ended || signal === undefined) return;
    finish();
    permit.failure(abortCategory(signal));
    stop(signal.reason);
    output.error(signal.reason);
  }

  return new ReadableStream<PART>({
    start(controller) {
      output = controller;
      if (signal?.aborted === true) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      firstDeadline.onFire(() => timedOut('firstChunk', firstDeadline.ms ?? 0));
    },
    async pull(controller) {
      if (ended) return;
      if (!first) gap.arm(timeoutMs, () => timedOut('betweenChunks', timeoutMs ?? 0));
      let result: ReadableStreamReadResult<PART>;
      try {
        result = await reader.read();
      } catch (error) {
        if (ended) return;
        finish();
        reportFailure(permit, error, signal);
        controller.error(error);
        return;
      }
      gap.clear();
      if (ended) return;
      if (result.done) {
        finish();
        permit.success();
        controller.close();
        return;
      }
      const part = result.value;
      if (first && !isPreamble(part)) {
        first = false;
        firstDeadline.clear();
      }
      if (part.type === 'error') reportFailure(permit, part.error, signal);
      else if (finishedWithError(part)) permit.failure('execution_error');
      controller.enqueue(part);
    },
    cancel(reason) {
      if (ended) return;
      finish();
      permit.failure('cancelled');
      stop(reason);
    },
  });
}
