import * as ai from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { activeToolsSuite } from './active-tools.suite.js';
import { middlewareCallsSuite } from './ai-middleware-calls.suite.js';
import { middlewareSuite } from './ai-middleware.suite.js';
import { withBreakersSuite } from './with-breakers.suite.js';

const sdk = { ...ai, major: 6, MockLanguageModel: MockLanguageModelV3 };
middlewareSuite(sdk);
middlewareCallsSuite(sdk);
activeToolsSuite(sdk);
withBreakersSuite(sdk);
