import * as ai from 'ai-v7';
import { MockLanguageModelV4 } from 'ai-v7/test';
import type { AiSdk } from './ai-sdk.js';
import { middlewareSuite } from './ai-middleware.suite.js';

// Typed as the AI SDK 6 the suite is written against: the shapes it uses are the same in 7.
middlewareSuite({ ...ai, major: 7, MockLanguageModel: MockLanguageModelV4 } as unknown as AiSdk);
