/**
 * Compiled (not run) against AI SDK 7's types by ai-7-types.test.ts: what a user of AI SDK 7
 * writes with tripstate/ai must type-check.
 */
import { generateText, streamText, tool, wrapLanguageModel, type LanguageModel } from 'ai';
import { z } from 'zod';
import {
  activeToolsFor,
  breakerMiddleware,
  breakerPrepareStep,
  withBreakers,
} from '../../../src/adapters/ai.js';
import { createRegistry } from '../../../src/index.js';

declare const provider: LanguageModel & object;
const registry = createRegistry();
const model = wrapLanguageModel({
  model: provider as Parameters<typeof wrapLanguageModel>[0]['model'],
  middleware: breakerMiddleware({ registry, key: 'llm:primary' }, { timeoutMs: 20_000 }),
});
const tools = withBreakers(
  { weather: tool({ inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => city }) },
  registry,
);
export const runs = [
  generateText({ model, tools, prompt: 'hi', prepareStep: breakerPrepareStep(registry, tools) }),
  generateText({ model, tools, prompt: 'hi', activeTools: activeToolsFor(registry, tools) }),
  streamText({ model, prompt: 'hi' }),
];
