/** What the caller's own functions say about an error: its category, and a Retry-After. */
import { isErrorCategory, type ErrorCategory } from '../../machines/categories.js';
import type { ResolvedBreakerOptions } from '../options.js';

/** The error's category by the breaker's `classify`; `execution_error` when it throws or answers no category. */
export function categoryOf(options: ResolvedBreakerOptions, error: unknown): ErrorCategory {
  try {
    const category = options.classify(error);
    return isErrorCategory(category) ? category : 'execution_error';
  } catch {
    return 'execution_error';
  }
}

/** Milliseconds the error asks to wait (the breaker's `retryAfter`), when a finite number > 0. */
export function retryAfterOf(
  options: ResolvedBreakerOptions,
  error: unknown,
  now: number,
): number | undefined {
  try {
    const ms = options.retryAfter(error, now);
    return typeof ms === 'number' && ms > 0 && Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}
