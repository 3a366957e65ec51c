/** withBreakers against one major of the AI SDK. */
import type { ToolSet } from 'ai';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { z } from 'zod';
import { isToolDisabledResult, withBreakers } from '../../src/adapters/ai.js';
import { createRegistry } from '../../src/index.js';
import { usage, type AiSdk, type GenerateResult, type MockModel } from './ai-sdk.js';

export function withBreakersSuite(sdk: AiSdk): void {
  const { MockLanguageModel: MockLanguageModelV3, generateText, stepCountIs, tool } = sdk;

  /** A model that calls `toolName` with `input` on its first step, then answers with text. */
  function callingModel(toolName: string, input: unknown): MockModel {
    let step = 0;
    return new MockLanguageModelV3({
      doGenerate: async (): Promise<GenerateResult> =>
        step++ === 0
          ? {
              content: [
                { type: 'tool-call', toolCallId: `call-${step}`, toolName, input: JSON.stringify(input) },
              ],
              finishReason: { unified: 'tool-calls', raw: undefined },
              usage,
              warnings: [],
            }
          : {
              content: [{ type: 'text', text: 'done' }],
              finishReason: { unified: 'stop', raw: undefined },
              usage,
              warnings: [],
            },
    });
  }

  async function runAgent(tools: ToolSet, toolName: string, input: unknown) {
    const model = callingModel(toolName, input);
    const result = await generateText({ model, tools, prompt: 'go', stopWhen: stepCountIs(3) });
    const parts = result.steps.flatMap((s) => s.content);
    return { model, result, parts };
  }

  const econnreset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

  function setup(execute: (input: { city: string }) => Promise<string>) {
    const clock = new SimulatedClock();
    clock.set(1_000_000);
    const registry = createRegistry({ defaults: { failureThreshold: 2, minBackoffMs: 30_000, clock } });
    const tools = withBreakers(
      {
        weather: tool({
          description: 'Weather for a city',
          inputSchema: z.object({ city: z.string() }),
          execute,
        }),
      },
      registry,
    );
    return { clock, registry, tools };
  }

  describe(`withBreakers on AI SDK ${sdk.major}`, () => {
    it('passes a successful tool result through generateText unchanged', async () => {
      const { tools, registry } = setup(async ({ city }) => `sunny in ${city}`);
      const { parts } = await runAgent(tools, 'weather', { city: 'Oslo' });
      expect(parts).toContainEqual(expect.objectContaining({ type: 'tool-result', output: 'sunny in Oslo' }));
      expect(registry.state('weather')).toBe('closed');
    });

    it('records tool errors with their category and lets the model see them as tool errors', async () => {
      const { tools, registry } = setup(async () => {
        throw econnreset();
      });
      const { parts } = await runAgent(tools, 'weather', { city: 'Oslo' });
      expect(parts).toContainEqual(expect.objectContaining({ type: 'tool-error', toolName: 'weather' }));
      expect(registry.diagnostics('weather')).toMatchObject({ state: 'closed', failureCount: 1 });
    });

    it('gives the model a structured "temporarily disabled" result once the circuit is open', async () => {
      let calls = 0;
      const { tools, registry, clock } = setup(async () => {
        calls++;
        throw econnreset();
      });
      await runAgent(tools, 'weather', { city: 'Oslo' });
      await runAgent(tools, 'weather', { city: 'Oslo' });
      expect(registry.state('weather')).toBe('open');
      expect(registry.diagnostics('weather').lastErrorCategory).toBe('network');

      clock.increment(18_000);
      const { parts, model } = await runAgent(tools, 'weather', { city: 'Oslo' });
      expect(calls).toBe(2);
      const expected = {
        error: 'tool_temporarily_disabled',
        tool: 'weather',
        state: 'open',
        retryAfterSeconds: 12,
        message: 'tool temporarily disabled, retry after 12 s',
      };
      expect(parts).toContainEqual(expect.objectContaining({ type: 'tool-result', output: expected }));
      // The second model step receives the structured result in its prompt.
      const prompt = JSON.stringify(model.doGenerateCalls[1]?.prompt);
      expect(prompt).toContain('tool temporarily disabled, retry after 12 s');
    });

    it('lets the probe through after the backoff and closes on success', async () => {
      let healthy = false;
      const { tools, registry, clock } = setup(async () => {
        if (!healthy) throw econnreset();
        return 'ok';
      });
      await runAgent(tools, 'weather', { city: 'a' });
      await runAgent(tools, 'weather', { city: 'a' });
      clock.increment(30_000);
      expect(registry.state('weather')).toBe('halfOpen');
      healthy = true;
      const { parts } = await runAgent(tools, 'weather', { city: 'a' });
      expect(parts).toContainEqual(expect.objectContaining({ type: 'tool-result', output: 'ok' }));
      expect(registry.state('weather')).toBe('closed');
    });

    it('never counts invalid model input: the AI SDK rejects it before execute', async () => {
      let calls = 0;
      const { tools, registry } = setup(async () => {
        calls++;
        return 'ok';
      });
      for (let i = 0; i < 5; i++) {
        const { parts } = await runAgent(tools, 'weather', { town: 42 });
        expect(parts).toContainEqual(expect.objectContaining({ type: 'tool-error' }));
      }
      expect(calls).toBe(0);
      expect(registry.diagnostics('weather')).toMatchObject({ state: 'closed', failureCount: 0 });
    });

    it('uses the registry classifier: a 400 from the tool does not count', async () => {
      const { tools, registry } = setup(async () => {
        throw Object.assign(new Error('bad request'), { status: 400 });
      });
      for (let i = 0; i < 4; i++) await runAgent(tools, 'weather', { city: 'x' });
      expect(registry.diagnostics('weather')).toMatchObject({ state: 'closed', failureCount: 0 });
    });

    it('honours Retry-After from the tool error', async () => {
      const { tools, registry } = setup(async () => {
        throw Object.assign(new Error('slow down'), { status: 429, headers: { 'retry-after': '90' } });
      });
      await runAgent(tools, 'weather', { city: 'x' });
      await runAgent(tools, 'weather', { city: 'x' });
      expect(registry.diagnostics('weather')).toMatchObject({ state: 'open', remainingBackoffMs: 90_000 });
    });

    it('keys breakers by prefix, uses onDisabled, and leaves the input tool set alone', async () => {
      const clock = new SimulatedClock();
      const registry = createRegistry({ defaults: { clock } });
      const original = {
        search: tool({ inputSchema: z.object({}), execute: async () => 'hit' }),
        manual: tool({ inputSchema: z.object({}) }),
      };
      const tools = withBreakers(original, registry, {
        prefix: 'ai:',
        onDisabled: (r) => `unavailable: ${r.message}`,
      });
      registry.isolate('ai:search');
      const output = await tools.search.execute?.({}, { toolCallId: '1', messages: [] });
      expect(output).toBe('unavailable: tool disabled by the operator; do not retry it in this session');
      expect(tools.manual).toBe(original.manual);
      expect(original.search.execute).not.toBe(tools.search.execute);
      expect(isToolDisabledResult(output)).toBe(false);
    });

    it.each([
      ['an abort', undefined, { failureCount: 0, lastErrorCategory: null }],
      [
        'a timeout',
        new DOMException('The operation timed out.', 'TimeoutError'),
        { failureCount: 1, lastErrorCategory: 'timeout' },
      ],
    ])('counts a failure after %s of the signal as Breaker.execute does', async (_, reason, expected) => {
      const { registry } = setup(async () => 'x');
      const controller = new AbortController();
      const tools = withBreakers(
        {
          slow: tool({
            inputSchema: z.object({}),
            execute: async (): Promise<string> => {
              controller.abort(reason);
              throw econnreset();
            },
          }),
        },
        registry,
      );
      const run = tools.slow.execute?.({}, { toolCallId: '1', messages: [], abortSignal: controller.signal });
      await expect(run).rejects.toThrow('socket hang up');
      expect(registry.diagnostics('slow')).toMatchObject(expected);
    });

    it('guards streaming tools: preliminary outputs flow, the outcome is recorded at the end', async () => {
      const { registry } = setup(async () => 'x');
      const tools = withBreakers(
        {
          stream: tool({
            inputSchema: z.object({}),
            async *execute() {
              yield 'partial';
              throw econnreset();
            },
          }),
        },
        registry,
      );
      const seen: unknown[] = [];
      const iterable = tools.stream.execute?.(
        {},
        { toolCallId: '1', messages: [] },
      ) as AsyncIterable<unknown>;
      await expect(
        (async () => {
          for await (const value of iterable) seen.push(value);
        })(),
      ).rejects.toThrow('socket hang up');
      expect(seen).toEqual(['partial']);
      expect(registry.diagnostics('stream').failureCount).toBe(1);
    });
  });
}
