import * as ai from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { middlewareSuite } from './ai-middleware.suite.js';

middlewareSuite({ ...ai, major: 6, MockLanguageModel: MockLanguageModelV3 });
