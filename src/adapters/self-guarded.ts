/** A pass-through gate for `firstAvailable` over calls that guard themselves. */
import { NEVER_ABORTED } from '../breaker/timeout.js';
import type { FailoverRegistry } from '../failover.js';

/**
 * A `FailoverRegistry` that runs each call as it is, for `firstAvailable` over models that
 * are already behind `breakerMiddleware` (their breakers admit and record each call; guarding
 * the call again under the same name would count every outcome twice). `firstAvailable` still
 * reads a model's `ModelCircuitOpenError` as a skipped provider when its key is the provider's
 * name, and moves on to the next one.
 *
 * @example
 * const reply = await firstAvailable(selfGuarded, ['llm:openai', 'llm:anthropic'], (key, signal) =>
 *   generateText({ model: models[key], prompt, abortSignal: signal }),
 * );
 */
export const selfGuarded: FailoverRegistry = {
  execute(_tool, fn, options) {
    try {
      return Promise.resolve(fn(options?.signal ?? NEVER_ABORTED));
    } catch (error) {
      // The callee's thrown value, unchanged, whatever it is.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error);
    }
  },
};
