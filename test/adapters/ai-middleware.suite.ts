/** breakerMiddleware on streams, against one major of the AI SDK, its mock models driven by fake timers. */
import { describe, expect, it, vi } from 'vitest';
import { StreamTimeoutError } from '../../src/adapters/ai.js';
import type { AiSdk } from './ai-sdk.js';
import { textParts } from './ai-sdk.js';
import { collect, econnreset, middlewareFixture, quiet, within } from './ai-middleware.fixture.js';

export function middlewareSuite(sdk: AiSdk): void {
  const { MockLanguageModel, streamText } = sdk;
  const fx = middlewareFixture(sdk);
  const { streaming, stalling, guard } = fx;

  describe(`breakerMiddleware on AI SDK ${sdk.major}: streams`, () => {
    it('passes a healthy stream through and counts it as a success', async () => {
      const { model } = streaming(textParts('Hel', 'lo'), 100, 100);
      const result = streamText({
        model: guard(model, 'llm:primary', { timeoutMs: 1_000 }),
        prompt: 'hi',
        onError: quiet,
      });
      const { parts } = await within(2_000, collect(result.fullStream));
      expect(parts.filter((p) => p.type === 'text-delta').map((p) => p.text)).toEqual(['Hel', 'lo']);
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({ state: 'closed', failureCount: 0 });
    });

    it('closes a half-open circuit when the probe stream ends normally, not when it starts', async () => {
      fx.registry.tryAcquire('llm:primary')?.failure('network');
      vi.advanceTimersByTime(30_000);
      expect(fx.registry.state('llm:primary')).toBe('halfOpen');
      const { model } = streaming(textParts('a', 'b', 'c'), 10, 500);
      const stream = (await guard(model).doStream({ prompt: [] })).stream;
      const reading = collect(stream);
      await vi.advanceTimersByTimeAsync(600);
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({ state: 'halfOpen', probesInFlight: 1 });
      await within(3_000, reading);
      expect(fx.registry.state('llm:primary')).toBe('closed');
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
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({
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
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({
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
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({ lastErrorCategory: 'cancelled' });
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
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({
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
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({ state: 'closed', failureCount: 0 });
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
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({
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
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({
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
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({ lastErrorCategory: 'cancelled' });
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
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({ lastErrorCategory: 'cancelled' });
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
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({
        state: 'open',
        lastErrorCategory: 'timeout',
      });
    });
  });
}
