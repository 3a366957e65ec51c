/** breakerMiddleware on generate calls, open circuits and fallbacks, against one major of the AI SDK. */
import { describe, expect, it } from 'vitest';
import { ModelCircuitOpenError, breakerMiddleware, selfGuarded } from '../../src/adapters/ai.js';
import { createRegistry, firstAvailable, isBrokenCircuitError } from '../../src/index.js';
import { textParts, textResult, type AiSdk } from './ai-sdk.js';
import { collect, econnreset, middlewareFixture, within } from './ai-middleware.fixture.js';

export function middlewareCallsSuite(sdk: AiSdk): void {
  const { MockLanguageModel, streamText, generateText } = sdk;
  const fx = middlewareFixture(sdk);
  const { streaming, guard } = fx;

  describe(`breakerMiddleware on AI SDK ${sdk.major}: calls, open circuits, fallbacks`, () => {
    it('guards doGenerate as one call: its error is classified, counted and rethrown', async () => {
      const overloaded = Object.assign(new Error('rate limited'), { statusCode: 429 });
      const model = new MockLanguageModel({ doGenerate: () => Promise.reject(overloaded) });
      const error: unknown = await generateText({ model: guard(model), prompt: 'hi', maxRetries: 0 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBe(overloaded);
      expect(fx.registry.diagnostics('llm:primary')).toMatchObject({
        state: 'open',
        lastErrorCategory: 'rate_limit',
      });
    });

    it('rejects before the provider is called while open, with an error the AI SDK does not retry', async () => {
      fx.registry.tryAcquire('llm:primary')?.failure('network');
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
      fx.registry.tryAcquire('llm:primary')?.failure('network');
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
      expect(fx.registry.state('llm:primary')).toBe('open');
      expect(await ask('two')).toBe('from fallback');
      expect(primary.doGenerateCalls).toHaveLength(1);
      expect(fallback.doGenerateCalls).toHaveLength(2);
    });

    it('lets firstAvailable skip an open model and stream from the fallback', async () => {
      fx.registry.tryAcquire('llm:primary')?.failure('network');
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
      expect(fx.registry.diagnostics('llm:fallback')).toMatchObject({ state: 'closed', failureCount: 0 });
    });

    it('settles each permit once: a failed stream never also counts as a success', async () => {
      const [start, textStart] = textParts();
      const { model } = streaming([
        start!,
        textStart!,
        { type: 'error', error: econnreset() },
        ...textParts('x').slice(1),
      ]);
      fx.useRegistry(createRegistry({ defaults: { failureThreshold: 2, minBackoffMs: 30_000 } }));
      const first = await guard(model).doStream({ prompt: [] });
      await within(50, collect(first.stream));
      expect(fx.registry.diagnostics('llm:primary').failureCount).toBe(1);
    });

    it('throws a TypeError for a bad circuit and a RangeError for a bad timeout', () => {
      expect(() => breakerMiddleware({ registry: fx.registry, key: '' })).toThrow(TypeError);
      expect(() => breakerMiddleware({} as never)).toThrow(/registry must be a Registry/);
      expect(() => breakerMiddleware({ registry: fx.registry, key: 'k' }, { timeoutMs: -1 })).toThrow(
        /option timeoutMs must be a finite number of milliseconds in \[1, 2147483647\], got -1/,
      );
      expect(() => breakerMiddleware({ registry: fx.registry, key: 'k' }, { timeoutMS: 5 } as never)).toThrow(
        /unknown breakerMiddleware option "timeoutMS" \(did you mean timeoutMs\?\)/,
      );
    });
  });
}
