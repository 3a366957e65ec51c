/** Drives a real breaker (on a TestClock) with random operations, keeping plain reference counts. */
import {
  createBreaker,
  type Breaker,
  type BreakerEmitted,
  type ErrorCategory,
  type Permit,
} from '../../src/index.js';
import { TestClock } from '../../src/testing/index.js';
import type { Op, RandomConfig } from './arbitraries.js';

/** A thrown value carrying the category and Retry-After a tool reported. */
export interface ToolFailure {
  readonly category: ErrorCategory;
  readonly retryAfterMs: number;
}

export interface Driven {
  readonly breaker: Breaker;
  readonly clock: TestClock;
  /** Permits granted and not yet settled, oldest first. */
  readonly held: Permit[];
  /** Everything the breaker emitted, rejections observed on the actor so they stay batched. */
  readonly emitted: BreakerEmitted[];
  /** Calls rejected by `tryAcquire`, since the last reset. */
  denied: number;
}

export function drive(config: RandomConfig): Driven {
  const clock = new TestClock(1_000);
  const breaker = createBreaker({
    ...config,
    clock,
    classify: (error) => (error as ToolFailure).category,
    retryAfter: (error) => (error as ToolFailure).retryAfterMs || undefined,
  });
  const driven: Driven = { breaker, clock, held: [], emitted: [], denied: 0 };
  const record = (event: BreakerEmitted): void => void driven.emitted.push(event);
  for (const type of ['opened', 'halfOpened', 'closed', 'isolated'] as const) breaker.on(type, record);
  breaker.actor.on('rejected', record);
  return driven;
}

/** The held permit an operation names (indexes wrap), taken out of `held`. */
export function take(driven: Driven, index: number): Permit | undefined {
  if (driven.held.length === 0) return undefined;
  return driven.held.splice(index % driven.held.length, 1)[0];
}

/** Applies one operation. Returns the permits `acquire` was given (undefined for a rejection). */
export function apply(driven: Driven, op: Op): Array<Permit | undefined> {
  const { breaker } = driven;
  switch (op.op) {
    case 'acquire': {
      const results: Array<Permit | undefined> = [];
      for (let i = 0; i < op.times; i++) {
        const permit = breaker.tryAcquire();
        if (permit) driven.held.push(permit);
        else driven.denied++;
        results.push(permit);
      }
      return results;
    }
    case 'success':
      take(driven, op.permit)?.success(op.durationMs);
      return [];
    case 'failure':
      take(driven, op.permit)?.failure(
        { category: op.category, retryAfterMs: op.retryAfterMs },
        op.durationMs,
      );
      return [];
    case 'release':
      take(driven, op.permit)?.release();
      return [];
    case 'advance':
      driven.clock.advance(op.ms);
      return [];
    case 'reset':
      breaker.reset();
      driven.denied = 0;
      return [];
    case 'isolate':
      breaker.isolate();
      return [];
    case 'releaseIsolation':
      breaker.release();
      return [];
  }
}
