import * as ai from 'ai-v7';
import { MockLanguageModelV4 } from 'ai-v7/test';
import { activeToolsSuite } from './active-tools.suite.js';
import type { AiSdk } from './ai-sdk.js';
import { middlewareCallsSuite } from './ai-middleware-calls.suite.js';
import { middlewareSuite } from './ai-middleware.suite.js';
import { withBreakersSuite } from './with-breakers.suite.js';

// Typed as the AI SDK 6 the suites are written against: the shapes they use are the same in 7.
const sdk = { ...ai, major: 7, MockLanguageModel: MockLanguageModelV4 } as unknown as AiSdk;
middlewareSuite(sdk);
middlewareCallsSuite(sdk);
activeToolsSuite(sdk);
withBreakersSuite(sdk);
