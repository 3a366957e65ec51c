/**
 * The demo's two LLM providers as AI SDK language models, each behind its breaker with
 * `breakerMiddleware`, and the turn's question asked through `firstAvailable`.
 */
import { generateText, wrapLanguageModel, type LanguageModel } from 'ai';
import { breakerMiddleware, selfGuarded } from '../../src/adapters/ai.js';
import { firstAvailable } from '../../src/failover.js';
import type { Registry } from '../../src/index.js';

/** A simulated provider: answers the prompt's text, or throws as a provider SDK would. */
type Provider = (prompt: string) => Promise<string>;

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};

/** A language model (AI SDK specification v3) on a simulated provider; generate only. */
function simulatedModel(modelId: string, provider: Provider): Exclude<LanguageModel, string> {
  return {
    specificationVersion: 'v3',
    provider: 'demo',
    modelId,
    supportedUrls: {},
    async doGenerate({ prompt }) {
      const text = prompt
        .flatMap((message) => (message.role === 'user' ? message.content : []))
        .map((part) => (part.type === 'text' ? part.text : ''))
        .join('');
      return {
        content: [{ type: 'text', text: await provider(text) }],
        finishReason: { unified: 'stop', raw: undefined },
        usage,
        warnings: [],
      };
    },
    doStream() {
      return Promise.reject(new Error('the demo models only generate'));
    },
  };
}

/** The providers as models, each guarded by the registry's breaker under its name. */
export function guardedModels(
  registry: Registry,
  providers: Readonly<Record<string, Provider>>,
): Record<string, LanguageModel> {
  const models: Record<string, LanguageModel> = {};
  for (const [name, provider] of Object.entries(providers)) {
    models[name] = wrapLanguageModel({
      model: simulatedModel(name, provider) as Parameters<typeof wrapLanguageModel>[0]['model'],
      middleware: breakerMiddleware({ registry, key: name }),
    });
  }
  return models;
}

/**
 * Asks the first model whose circuit admits the call: an open model rejects before its
 * provider is called, and `firstAvailable` moves on to the next one. The models guard
 * themselves, so `firstAvailable` runs on `selfGuarded`.
 */
export async function ask(
  models: Readonly<Record<string, LanguageModel>>,
  order: readonly string[],
  prompt: string,
): Promise<string> {
  return firstAvailable(selfGuarded, order, async (name, signal) => {
    const { text } = await generateText({ model: models[name]!, prompt, abortSignal: signal, maxRetries: 0 });
    return text;
  });
}
