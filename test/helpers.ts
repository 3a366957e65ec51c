import { createBreaker, type Breaker, type BreakerOptions } from '../src/index.js';

/** Fails with a category-carrying error, as a tool would. */
export class ToolError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

export const networkError = (): Error => new ToolError('ECONNRESET');

/** A breaker with short, round numbers for tests (fake timers must be on). */
export function testBreaker(options: BreakerOptions = {}): Breaker {
  return createBreaker({
    failureThreshold: 3,
    minBackoffMs: 1_000,
    maxBackoffMs: 8_000,
    probeTimeoutMs: 5_000,
    ...options,
  });
}

/** Records `n` trip-counting failures through permits. */
export function fail(
  breaker: Breaker,
  n = 1,
  category: Parameters<NonNullable<ReturnType<Breaker['tryAcquire']>>['failure']>[0] = 'network',
): void {
  for (let i = 0; i < n; i++) breaker.tryAcquire()?.failure(category);
}

/** Collects a breaker's emitted events by type. */
export function recordEvents(breaker: Breaker): string[] {
  const seen: string[] = [];
  for (const type of ['opened', 'halfOpened', 'closed', 'isolated'] as const) {
    breaker.on(type, (event) => seen.push('reason' in event ? `${type}:${event.reason}` : type));
  }
  return seen;
}
