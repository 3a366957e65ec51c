/**
 * The AI SDK as the adapter tests use it, so one suite runs against each major (6 and 7):
 * the functions and mock model of one installed copy.
 */
import type {
  APICallError,
  generateText,
  simulateReadableStream,
  stepCountIs,
  streamText,
  tool,
  wrapLanguageModel,
} from 'ai';
import type { MockLanguageModelV3 } from 'ai/test';

/** One major of the AI SDK (typed as 6: the shapes the tests use are the same in 7). */
export interface AiSdk {
  readonly major: number;
  readonly generateText: typeof generateText;
  readonly streamText: typeof streamText;
  readonly wrapLanguageModel: typeof wrapLanguageModel;
  readonly simulateReadableStream: typeof simulateReadableStream;
  readonly stepCountIs: typeof stepCountIs;
  readonly tool: typeof tool;
  readonly APICallError: typeof APICallError;
  /** `MockLanguageModelV3` (6) or `MockLanguageModelV4` (7). */
  readonly MockLanguageModel: typeof MockLanguageModelV3;
}

export type MockModel = MockLanguageModelV3;
export type GenerateResult = Awaited<ReturnType<MockModel['doGenerate']>>;
export type StreamPart =
  Awaited<ReturnType<MockModel['doStream']>>['stream'] extends ReadableStream<infer P> ? P : never;

export const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};

/** A generate result with `text`. */
export const textResult = (text: string): GenerateResult => ({
  content: [{ type: 'text', text }],
  finishReason: { unified: 'stop', raw: undefined },
  usage,
  warnings: [],
});

/** The parts of a streamed text answer. */
export function textParts(...deltas: string[]): StreamPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't' },
    ...deltas.map((delta): StreamPart => ({ type: 'text-delta', id: 't', delta })),
    { type: 'text-end', id: 't' },
    { type: 'finish', finishReason: { unified: 'stop', raw: undefined }, usage },
  ];
}
