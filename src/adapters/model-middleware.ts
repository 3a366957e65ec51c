/**
 * `breakerMiddleware`: a language model behind a circuit breaker, as AI SDK middleware for
 * `wrapLanguageModel`. A generate call is one guarded call; a stream is admitted like a call
 * and judged by the stream itself (`judgeStream`).
 */
import type { LanguageModelMiddleware } from 'ai';
import type { Permit } from '../breaker.js';
import { unrefClock, type TimerClock } from '../clock.js';
import { reportFailure } from './gate.js';
import { modelName, rejection, resolveCircuit, type ModelCircuit } from './model-circuit.js';
import { resolveMiddlewareOptions, type BreakerMiddlewareOptions } from './model-options.js';
import { StreamTimeoutError } from './model-errors.js';
import { Deadline, judgeStream, type StreamPartLike } from './stream-judge.js';

/** Settles `work` or rejects with the signal's reason once it aborts (a provider that ignores it). */
function untilAborted<T>(work: PromiseLike<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return Promise.resolve(work);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(work)
      .finally(() => signal.removeEventListener('abort', onAbort))
      .then(resolve, reject);
  });
}

interface CallParams {
  readonly abortSignal?: AbortSignal | undefined;
}

type StreamResult = { readonly stream: ReadableStream<StreamPartLike> };
type StreamingModel = {
  readonly provider: string;
  readonly modelId: string;
  doStream(params: unknown): PromiseLike<StreamResult>;
};

/** A stream admitted by `permit`: the provider's call, then its stream, judged. */
async function guardedStream(
  permit: Permit,
  model: StreamingModel,
  params: CallParams,
  settings: {
    readonly timeoutMs?: number;
    readonly firstChunkTimeoutMs?: number;
    readonly clock: TimerClock;
  },
): Promise<StreamResult> {
  const name = modelName(model);
  const signal = params.abortSignal;
  const controller = new AbortController();
  const abortSignal = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
  const first = new Deadline(settings.clock);
  let late: StreamTimeoutError | undefined;
  const started = new Promise<never>((_, reject) => {
    first.arm(settings.firstChunkTimeoutMs, () => {
      late = new StreamTimeoutError('firstChunk', settings.firstChunkTimeoutMs ?? 0, name);
      permit.failure('timeout');
      controller.abort(late);
      reject(late);
    });
  });
  started.catch(() => undefined);
  const call = Promise.resolve().then(() => model.doStream({ ...params, abortSignal }));
  let result: StreamResult;
  try {
    result = await untilAborted(Promise.race([call, started]), signal);
  } catch (error) {
    first.clear();
    // A provider that answers after all (it ignored the abort): its stream is not wanted.
    const reason: unknown = late ?? error;
    call.then(
      (r) => r.stream.cancel(reason).catch(() => undefined),
      () => undefined,
    );
    if (late !== undefined) throw late;
    reportFailure(permit, error, signal);
    throw error;
  }
  const stream = judgeStream(result.stream, first, {
    permit,
    abort: (reason) => controller.abort(reason),
    signal,
    timeoutMs: settings.timeoutMs,
    clock: settings.clock,
    model: name,
  });
  return { ...result, stream };
}

/**
 * AI SDK middleware that puts a language model behind a circuit breaker: a registry's breaker
 * under `key` (e.g. `'llm:openai'`, so registry `overrides` configure it) or one `breaker`.
 * Use it with `wrapLanguageModel({ model, middleware })` (AI SDK 6 and 7).
 *
 * - `generateText` (`doGenerate`) is one guarded call: its error is classified by the
 *   breaker (`classify`, `classifyError` by default; `Retry-After` read by `retryAfter`).
 * - `streamText` (`doStream`) is admitted like a call and judged by the stream: a normal end
 *   is a success; an `error` part or an error thrown mid-stream counts with its category; no
 *   first chunk within `firstChunkTimeoutMs` of the call, or no chunk for `timeoutMs` between
 *   two, aborts the provider's request and counts as `timeout` (the stream gets an error part
 *   with a `StreamTimeoutError` and ends); a reader that cancels counts as `cancelled`.
 *   The permit is settled exactly once.
 * - The call's `abortSignal` is honoured: once it aborts the call ends with its reason, and
 *   the outcome counts as `cancelled` (`timeout` for a `TimeoutError` reason).
 * - When the circuit does not admit the call, the provider is not called: the call rejects
 *   with a `ModelCircuitOpenError` (a `BrokenCircuitError`, and an AI SDK `APICallError` of a
 *   non-retryable 503), which `firstAvailable` reads as a skipped provider and fallback
 *   wrappers read as a reason to switch models.
 *
 * Throws a TypeError for a bad circuit and a RangeError for a bad option.
 *
 * @example
 * const model = wrapLanguageModel({
 *   model: openai('gpt-4o'),
 *   middleware: breakerMiddleware({ registry, key: 'llm:openai' }, { timeoutMs: 20_000 }),
 * });
 */
export function breakerMiddleware(
  circuit: ModelCircuit,
  options: BreakerMiddlewareOptions = {},
): LanguageModelMiddleware {
  const gate = resolveCircuit(circuit);
  const resolved = resolveMiddlewareOptions(options);
  const settings = { ...resolved, clock: resolved.clock ?? unrefClock };
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params, model }) {
      const permit = gate.tryAcquire();
      if (permit === undefined) throw rejection(gate, modelName(model));
      const signal = (params as CallParams).abortSignal;
      try {
        const result = await untilAborted(doGenerate(), signal);
        permit.success();
        return result;
      } catch (error) {
        reportFailure(permit, error, signal);
        throw error;
      }
    },
    async wrapStream({ params, model }) {
      const permit = gate.tryAcquire();
      if (permit === undefined) throw rejection(gate, modelName(model));
      const result = await guardedStream(permit, model, params, settings);
      return result as unknown as Awaited<ReturnType<typeof model.doStream>>;
    },
  };
}
