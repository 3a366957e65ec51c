/** activeToolsFor and breakerPrepareStep against one major of the AI SDK. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { activeToolsFor, breakerPrepareStep, withBreakers } from '../../src/adapters/ai.js';
import { createRegistry, type Registry } from '../../src/index.js';
import { usage, textResult, type AiSdk, type GenerateResult } from './ai-sdk.js';

const econnreset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

export function activeToolsSuite(sdk: AiSdk): void {
  const { MockLanguageModel, generateText, stepCountIs, tool } = sdk;

  let registry: Registry;
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    registry = createRegistry({ defaults: { failureThreshold: 1, minBackoffMs: 10_000 } });
  });
  afterEach(() => {
    registry.stop();
    vi.useRealTimers();
  });

  /** A tool set whose `weather` fails while `broken.weather` is true. */
  function toolSet() {
    const broken = { weather: true };
    const tools = withBreakers(
      {
        weather: tool({
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            if (broken.weather) throw econnreset();
            return `${city}: 18°C`;
          },
        }),
        search: tool({
          inputSchema: z.object({ q: z.string() }),
          execute: async ({ q }) => `results for ${q}`,
        }),
      },
      registry,
    );
    return { tools, broken };
  }

  /** A model that calls `weather` whenever it is offered, else answers; records the tools of each step. */
  function agentModel() {
    const offered: string[][] = [];
    const model = new MockLanguageModel({
      doGenerate: async (options): Promise<GenerateResult> => {
        const names = (options.tools ?? []).map((t) => t.name);
        offered.push(names);
        const answered = options.prompt.some((m) => m.role === 'tool');
        if (names.includes('weather') && !answered) {
          return {
            content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Oslo"}' }],
            finishReason: { unified: 'tool-calls', raw: undefined },
            usage,
            warnings: [],
          };
        }
        return textResult('done');
      },
    });
    return { model, offered };
  }

  describe(`activeToolsFor on AI SDK ${sdk.major}`, () => {
    it('hides a broken tool from the next step and offers it again when its probe is due', async () => {
      const { tools, broken } = toolSet();
      const { model, offered } = agentModel();
      const run = () =>
        generateText({
          model,
          tools,
          prompt: 'weather in Oslo?',
          stopWhen: stepCountIs(3),
          prepareStep: breakerPrepareStep(registry, tools),
        });

      await run();
      expect(offered).toEqual([['weather', 'search'], ['search']]);
      expect(registry.state('weather')).toBe('open');

      offered.length = 0;
      vi.advanceTimersByTime(9_999);
      await run();
      expect(offered).toEqual([['search']]);

      offered.length = 0;
      vi.advanceTimersByTime(1);
      broken.weather = false;
      await run();
      expect(offered).toEqual([
        ['weather', 'search'],
        ['weather', 'search'],
      ]);
      expect(registry.state('weather')).toBe('closed');
    });

    it('leaves out a half-open tool while its probe is in flight, and isolated tools', () => {
      const { tools } = toolSet();
      registry.tryAcquire('weather')?.failure('network');
      vi.advanceTimersByTime(10_000);
      expect(registry.state('weather')).toBe('halfOpen');
      expect(activeToolsFor(registry, tools)).toEqual(['weather', 'search']);
      const probe = registry.tryAcquire('weather');
      expect(activeToolsFor(registry, tools)).toEqual(['search']);
      probe?.release();
      registry.isolate('search');
      expect(activeToolsFor(registry, ['weather', 'search'])).toEqual(['weather']);
    });

    it('reads registry keys with the prefix given to withBreakers, and counts nothing', () => {
      registry.tryAcquire('ai:weather')?.failure('network');
      const before = registry.diagnostics('ai:weather');
      expect(activeToolsFor(registry, ['weather', 'search'], { prefix: 'ai:' })).toEqual(['search']);
      expect(activeToolsFor(registry, ['weather', 'search'])).toEqual(['weather', 'search']);
      expect(registry.diagnostics('ai:weather')).toEqual(before);
    });

    it('throws a TypeError for tools that are neither a list nor a tool set', () => {
      expect(() => activeToolsFor(registry, 'weather' as never)).toThrow(TypeError);
      expect(() => breakerPrepareStep(registry, ['weather'], { prefix: 1 as never })).toThrow(
        /option prefix must be a string/,
      );
    });
  });
}
