/** breakerMiddleware against one major of the AI SDK, its mock models driven by fake timers. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ModelCircuitOpenError,
  StreamTimeoutError,
  breakerMiddleware,
  selfGuarded,
  type BreakerMiddlewareOptions,
} from '../../src/adapters/ai.js';
import {
  DEFAULT_TRIP_CATEGORIES,
  createRegistry,
  firstAvailable,
  isBrokenCircuitError,
  type Registry,
} from '../../src/index.js';
import { textParts, textResult, type AiSdk, type MockModel, type StreamPart } from './ai-sdk.js';

/** streamText reports stream errors to `onError` (console.error by default): the tests read them from the parts. */
const quiet = (): void => undefined;

const econnreset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

/** Reads a stream to its end (or error), collecting the parts. */
async function collect<T>(
  stream: AsyncIterable<T> | ReadableStream<T>,
): Promise<{ parts: T[]; error?: unknown }> {
  const parts: T[] = [];
  try {
    for await (const part of stream as AsyncIterable<T>) parts.push(part);
    return { parts };
  } catch (error) {
    return { parts, error };
  }
}

/** Runs `work` while fake time moves on by `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  await vi.advanceTimersByTimeAsync(ms);
  return work;
}

export function middlewareSuite(sdk: AiSdk): void {
  const { MockLanguageModel, simulateReadableStream, streamText, generateText, wrapLanguageModel } = sdk;

  let registry: Registry;
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    registry = createRegistry({
      defaults: {
        failureThreshold: 1,
        minBackoffMs: 30_000,
        // `cancelled` counts here only so that the tests can read it as the last category.
        tripOn: [...DEFAULT_TRIP_CATEGORIES, 'cancelled'],
      },
    });
  });
  afterEach(() => {
    registry.stop();
    vi.useRealTimers();
  });

  /** A mock model streaming `parts` (first after `initial` ms, then every `every` ms); records its calls. */
  function streaming(parts: StreamPart[], initial = 0, every = 0) {
    const signals: (AbortSignal | undefined)[] = [];
    const model = new MockLanguageModel({
      doStream: async (options) => {
        signals.push(options.abortSignal);
        return {
          stream: simulateReadableStream({ chunks: parts, initialDelayInMs: initial, chunkDelayInMs: every }),
        };
      },
    });
    return { model, signals };
  }

  /** A mock model whose stream sends `parts` and then stays silent (or errors with `error`). */
  function stalling(parts: StreamPart[], error?: unknown) {
    const queue = [...parts];
    const signals: (AbortSignal | undefined)[] = [];
    const model = new MockLanguageModel({
      doStream: async (options) => {
        signals.push(options.abortSignal);
        return {
          stream: new ReadableStream<StreamPart>({
            pull(controller) {
              const part = queue.shift();
              if (part !== undefined) return controller.enqueue(part);
              if (error !== undefined) return controller.error(error);
              return new Promise<void>(() => undefined); // silent from here on
            },
          }),
        };
      },
    });
    return { model, signals };
  }

  const guard = (model: MockModel, key = 'llm:primary', options: BreakerMiddlewareOptions = {}) =>
    wrapLanguageModel({ model, middleware: breakerMiddleware({ registry, key }, options) });

  describe(`breakerMiddleware on AI SDK ${sdk.major}`, () => {
    it('passes a healthy stream through and counts it as a success', async () => {
      const { model } = streaming(textParts('Hel', 'lo'), 100, 100);
      const result = streamText({
        model: guard(model, 'llm:primary', { timeoutMs: 1_000 }),
        prompt: 'hi',
        onError: quiet,
      });
      const { parts } = await within(2_000, collect(result.fullStream));
      expect(parts.filter((p) => p.type === 'text-delta').map((p) => p.text)).toEqual(['Hel', 'lo']);
      expect(registry.diagnostics('llm:primary')).toMatchObject({ state: 'closed', failureCount: 0 });
    });

    it('closes a half-open circuit when the probe stream ends normally, not when it starts', async () => {
      registry.tryAcquire('llm:primary')?.failure('network');
      vi.advanceTimersByTime(30_000);
      expect(registry.state('llm:primary')).toBe('halfOpen');
      const { model } = streaming(textParts('a', 'b', 'c'), 10, 500);
      const stream = (await guard(model).doStream({ prompt: [] })).stream;
      const reading = collect(stream);
      await vi.advanceTimersByTimeAsync(600);
      expect(registry.diagnostics('llm:primary')).toMatchObject({ state: 'halfOpen', probesInFlight: 1 });
      await within(3_000, reading);
      expect(registry.state('llm:primary')).toBe('closed');
    });

    it('aborts a stream whose first chunk is later than firstChunkTimeoutMs and counts a timeout', async () => {
      const { model, signals } = streaming(textParts('late'), 5_000);
      const result = streamText({
        model: guard(model, 'llm:primary', { timeoutMs: 1_000 }),
        prompt: 'hi',
        onError: quiet,
      });
      const { parts } = await within(1_500, collect(result.fullStream));
      const error = parts.find((p) => p.type === 'error')?.error;
      expect(error).toBeInstanceOf(StreamTimeoutError);
      expect(error).toMatchObject({ name: 'TimeoutError', phase: 'firstChunk', timeoutMs: 1_000 });
      expect(parts.some((p) => p.type === 'text-delta')).toBe(false);
      expect(signals[0]?.aborted).toBe(true);
      expect(registry.diagnostics('llm:primary')).toMatchObject({
        state: 'open',
        lastErrorCategory: 'timeout',
      });
    });

    it('counts a provider that never answers the stream call as a timeout', async () => {
      const model = new MockLanguageModel({ doStream: () => new Promise(() => undefined) });
      const started = Promise.resolve(
        guard(model, 'llm:primary', { firstChunkTimeoutMs: 2_000 }).doStream({ prompt: [] }),
      ).catch((error: unknown) => error);
      expect(await within(2_000, started)).toMatchObject({ name: 'TimeoutError', phase: 'firstChunk' });
      expect(registry.diagnostics('llm:primary')).toMatchObject({
        state: 'open',
        lastErrorCategory: 'timeout',
      });
    });

    it('cancels the stream of a provider that answers after its first-chunk timeout', async () => {
      let cancelled: unknown;
      const model = new MockLanguageModel({
        doStream: () =>
          new Promise((resolve) =>
            setTimeout(
              () =>
                resolve({ stream: new ReadableStream({ cancel: (reason) => void (cancelled = reason) }) }),
              3_000,
            ),
          ),
      });
      const started = Promise.resolve(
        guard(model, 'llm:primary', { timeoutMs: 1_000 }).doStream({ prompt: [] }),
      ).catch((error: unknown) => error);
      await within(3_000, started);
      expect(cancelled).toBeInstanceOf(StreamTimeoutError);
    });

    it("cancels the stream of a provider that answers after the call's signal aborted", async () => {
      let cancelled = false;
      const model = new MockLanguageModel({
        doStream: () =>
          new Promise((resolve) =>
            setTimeout(
              () => resolve({ stream: new ReadableStream({ cancel: () => void (cancelled = true) }) }),
              3_000,
            ),
          ),
      });
      const controller = new AbortController();
      const started = Promise.resolve(
        guard(model).doStream({ prompt: [], abortSignal: controller.signal }),
      ).catch((error: unknown) => error);
      controller.abort();
      expect(await started).toMatchObject({ name: 'AbortError' });
      await vi.advanceTimersByTimeAsync(3_000);
      expect(cancelled).toBe(true);
      expect(registry.diagnostics('llm:primary')).toMatchObject({ lastErrorCategory: 'cancelled' });
    });

    it('aborts a stream that stalls between chunks for longer than timeoutMs and counts a timeout', async () => {
      const [start, textStart, delta] = textParts('partial');
      const { model, signals } = stalling([start!, textStart!, delta!]);
      const result = streamText({
        model: guard(model, 'llm:primary', { timeoutMs: 1_000 }),
        prompt: 'hi',
        onError: quiet,
      });
      const { parts } = await within(1_500, collect(result.fullStream));
      expect(parts.find((p) => p.type === 'text-delta')).toMatchObject({ text: 'partial' });
      expect(parts.find((p) => p.type === 'error')?.error).toMatchObject({ phase: 'betweenChunks' });
      expect(signals[0]?.aborted).toBe(true);
      expect(registry.diagnostics('llm:primary')).toMatchObject({
        state: 'open',
        lastErrorCategory: 'timeout',
      });
    });

    it('does not count time the reader spends away as a stall', async () => {
      const { model } = streaming(textParts('a', 'b'), 10, 10);
      const reader = (
        await guard(model, 'llm:primary', { timeoutMs: 1_000 }).doStream({ prompt: [] })
      ).stream.getReader();
      const first = reader.read();
      await vi.advanceTimersByTimeAsync(20);
      await first;
      await vi.advanceTimersByTimeAsync(5_000); // the reader is busy elsewhere
      const rest = collect(
        new ReadableStream({
          pull: async (c) => {
            const { done, value } = await reader.read();
            if (done) c.close();
            else c.enqueue(value);
          },
        }),
      );
      const { parts } = await within(200, rest);
      expect(parts.some((p) => p.type === 'error')).toBe(false);
      expect(registry.diagnostics('llm:primary')).toMatchObject({ state: 'closed', failureCount: 0 });
    });

    it('counts an error part with its category and passes it on', async () => {
      const overloaded = new sdk.APICallError({
        message: 'Service Unavailable',
        url: 'https://api.example/v1',
        requestBodyValues: {},
        statusCode: 503,
      });
      const [start, textStart] = textParts();
      const { model } = streaming([start!, textStart!, { type: 'error', error: overloaded }]);
      const result = streamText({ model: guard(model), prompt: 'hi', onError: quiet });
      const { parts } = await within(100, collect(result.fullStream));
      expect(parts.find((p) => p.type === 'error')?.error).toBe(overloaded);
      expect(registry.diagnostics('llm:primary')).toMatchObject({
        state: 'open',
        lastErrorCategory: 'service_unavailable',
      });
    });

    it('counts an error thrown mid-stream with its category and rethrows it to the reader', async () => {
      const [start, textStart, delta] = textParts('x');
      const reset = econnreset();
      const { model } = stalling([start!, textStart!, delta!], reset);
      const { stream } = await guard(model).doStream({ prompt: [] });
      const { parts, error } = await within(10, collect(stream));
      expect(parts).toHaveLength(3);
      expect(error).toBe(reset);
      expect(registry.diagnostics('llm:primary')).toMatchObject({
        state: 'open',
        lastErrorCategory: 'network',
      });
    });

    it('counts a reader that cancels the stream as cancelled and cancels the provider', async () => {
      const { model, signals } = streaming(textParts('a', 'b', 'c'), 10, 10);
      const { stream } = await guard(model).doStream({ prompt: [] });
      const reader = stream.getReader();
      const read = reader.read();
      await vi.advanceTimersByTimeAsync(10);
      await read;
      await reader.cancel('done reading');
      expect(signals[0]?.aborted).toBe(true);
      expect(registry.diagnostics('llm:primary')).toMatchObject({ lastErrorCategory: 'cancelled' });
    });

    it("honours the call's abortSignal mid-stream: the stream ends with its reason, counted as cancelled", async () => {
      const [start, textStart, delta] = textParts('x');
      const { model } = stalling([start!, textStart!, delta!]); // ignores its signal
      const controller = new AbortController();
      const { stream } = await guard(model).doStream({ prompt: [], abortSignal: controller.signal });
      const reading = collect(stream);
      await vi.advanceTimersByTimeAsync(10);
      controller.abort();
      const { error } = await reading;
      expect(error).toMatchObject({ name: 'AbortError' });
      expect(registry.diagnostics('llm:primary')).toMatchObject({ lastErrorCategory: 'cancelled' });
    });

    it("counts a stall cut by the AI SDK's own chunk timeout as a timeout", async () => {
      const [start, textStart, delta] = textParts('partial');
      const { model } = stalling([start!, textStart!, delta!]);
      const result = streamText({
        model: guard(model),
        prompt: 'hi',
        onError: quiet,
        timeout: { chunkMs: 1_000 },
      });
      await within(1_500, collect(result.fullStream));
      expect(registry.diagnostics('llm:primary')).toMatchObject({
        state: 'open',
        lastErrorCategory: 'timeout',
      });
    });

    it('guards doGenerate as one call: its error is classified, counted and rethrown', async () => {
      const overloaded = Object.assign(new Error('rate limited'), { statusCode: 429 });
      const model = new MockLanguageModel({ doGenerate: () => Promise.reject(overloaded) });
      const error: unknown = await generateText({ model: guard(model), prompt: 'hi', maxRetries: 0 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBe(overloaded);
      expect(registry.diagnostics('llm:primary')).toMatchObject({
        state: 'open',
        lastErrorCategory: 'rate_limit',
      });
    });

    it('rejects before the provider is called while open, with an error the AI SDK does not retry', async () => {
      registry.tryAcquire('llm:primary')?.failure('network');
      const model = new MockLanguageModel({ doGenerate: async () => textResult('never') });
      const error: unknown = await generateText({ model: guard(model), prompt: 'hi' }).catch(
        (e: unknown) => e,
      );
      expect(model.doGenerateCalls).toHaveLength(0);
      expect(error).toBeInstanceOf(ModelCircuitOpenError);
      expect(isBrokenCircuitError(error)).toBe(true);
      expect(sdk.APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        tool: 'llm:primary',
        state: 'open',
        remainingBackoffMs: 30_000,
        statusCode: 503,
        isRetryable: false,
        responseHeaders: { 'retry-after': '30' },
      });
    });

    it('ends a streamText of an open model with the rejection as its error, the provider never called', async () => {
      registry.tryAcquire('llm:primary')?.failure('network');
      const { model } = streaming(textParts('never'));
      const errors: unknown[] = [];
      const result = streamText({
        model: guard(model),
        prompt: 'hi',
        onError: ({ error }) => void errors.push(error),
      });
      const { parts } = await within(100, collect(result.fullStream));
      expect(parts.find((p) => p.type === 'error')?.error).toBeInstanceOf(ModelCircuitOpenError);
      expect(errors[0]).toBeInstanceOf(ModelCircuitOpenError);
      expect(model.doStreamCalls).toHaveLength(0);
    });

    it('lets a fallback model take over while the primary is open (AI SDK fallback on a 503 APICallError)', async () => {
      const primary = new MockLanguageModel({ doGenerate: () => Promise.reject(econnreset()) });
      const fallback = new MockLanguageModel({ doGenerate: async () => textResult('from fallback') });
      const models = [guard(primary, 'llm:primary'), guard(fallback, 'llm:fallback')];
      /** What model-fallback wrappers for the AI SDK do: switch on a 503 or non-retryable call error. */
      const ask = async (prompt: string): Promise<string> => {
        let last: unknown;
        for (const model of models) {
          try {
            return (await generateText({ model, prompt, maxRetries: 0 })).text;
          } catch (error) {
            last = error;
            const apiError = sdk.APICallError.isInstance(error);
            if (!(apiError && (error.statusCode === 503 || !error.isRetryable)) && !isNetwork(error))
              throw error;
          }
        }
        throw last;
      };
      const isNetwork = (error: unknown): boolean => (error as { code?: unknown }).code === 'ECONNRESET';
      expect(await ask('one')).toBe('from fallback');
      expect(registry.state('llm:primary')).toBe('open');
      expect(await ask('two')).toBe('from fallback');
      expect(primary.doGenerateCalls).toHaveLength(1);
      expect(fallback.doGenerateCalls).toHaveLength(2);
    });

    it('lets firstAvailable skip an open model and stream from the fallback', async () => {
      registry.tryAcquire('llm:primary')?.failure('network');
      const primary = streaming(textParts('primary'));
      const fallback = streaming(textParts('fall', 'back'), 10, 10);
      const models: Record<string, ReturnType<typeof guard>> = {
        'llm:primary': guard(primary.model, 'llm:primary'),
        'llm:fallback': guard(fallback.model, 'llm:fallback'),
      };
      const skipped: string[] = [];
      const reply = firstAvailable(
        selfGuarded,
        ['llm:primary', 'llm:fallback'],
        async (provider, signal) => {
          const { stream } = await models[provider]!.doStream({ prompt: [], abortSignal: signal });
          return (await collect(stream)).parts;
        },
        { onFailover: (attempt) => skipped.push(`${attempt.provider}:${attempt.outcome}`) },
      );
      const parts = await within(100, reply);
      expect(parts.filter((p) => p.type === 'text-delta').map((p) => (p as { delta: string }).delta)).toEqual(
        ['fall', 'back'],
      );
      expect(skipped).toEqual(['llm:primary:skipped']);
      expect(primary.model.doStreamCalls).toHaveLength(0);
      expect(registry.diagnostics('llm:fallback')).toMatchObject({ state: 'closed', failureCount: 0 });
    });

    it('settles each permit once: a failed stream never also counts as a success', async () => {
      const [start, textStart] = textParts();
      const { model } = streaming([
        start!,
        textStart!,
        { type: 'error', error: econnreset() },
        ...textParts('x').slice(1),
      ]);
      registry = createRegistry({ defaults: { failureThreshold: 2, minBackoffMs: 30_000 } });
      const first = await guard(model).doStream({ prompt: [] });
      await within(50, collect(first.stream));
      expect(registry.diagnostics('llm:primary').failureCount).toBe(1);
    });

    it('throws a TypeError for a bad circuit and a RangeError for a bad timeout', () => {
      expect(() => breakerMiddleware({ registry, key: '' })).toThrow(TypeError);
      expect(() => breakerMiddleware({} as never)).toThrow(/registry must be a Registry/);
      expect(() => breakerMiddleware({ registry, key: 'k' }, { timeoutMs: -1 })).toThrow(
        /option timeoutMs must be a finite number of milliseconds in \[1, 2147483647\], got -1/,
      );
      expect(() => breakerMiddleware({ registry, key: 'k' }, { timeoutMS: 5 } as never)).toThrow(
        /unknown breakerMiddleware option "timeoutMS" \(did you mean timeoutMs\?\)/,
      );
    });
  });
}
