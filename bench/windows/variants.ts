/**
 * The variants scenario 9 compares, shared by the in-process rounds and the one-process-per-
 * variant runs (`isolated.ts`): each is a function returning the promise of one operation.
 */
import { circuitBreaker, handleAll, SamplingBreaker } from 'cockatiel';
import { HOUR_MS, NEVER } from '../contenders.js';
import { fail, succeed } from '../workload.js';
import { createBreaker, createRegistry, type BreakerOptions } from '../../src/index.js';

/** A closed breaker with a 100-call window that never trips on the scenario's outcomes (rate 0.5 < 0.6). */
export const WINDOW: BreakerOptions = {
  failureThreshold: NEVER,
  minBackoffMs: HOUR_MS,
  window: { calls: 100 },
  failureRateThreshold: 0.6,
};

const swallow = (): void => undefined;
const onSettled = <T>(value: T): T => value;
const onFailed = (error: unknown): never => {
  throw error;
};

/** The `fn().then(ok, fail)` floor: what any guarded call adds to. */
export const floor = (): Promise<number> => succeed().then(onSettled, onFailed);

/** A success then a failure through `run`. */
export async function pair(run: (fn: () => Promise<unknown>) => Promise<unknown>): Promise<void> {
  await run(succeed);
  await run(fail).catch(swallow);
}

/** The variants measured one process each, by name (each made fresh in its own process). */
export const ISOLATED = {
  floor: () => floor,
  plain: () => {
    const breaker = createBreaker({ failureThreshold: 5, minBackoffMs: HOUR_MS });
    return () => breaker.execute(succeed);
  },
  windowed: () => {
    const breaker = createBreaker(WINDOW);
    return () => breaker.execute(succeed);
  },
  windowedPair: () => {
    const breaker = createBreaker(WINDOW);
    return () => pair((fn) => breaker.execute(fn));
  },
  /** Not in scenario 9's rounds: counted by `count-instructions.sh`, to see the other closed paths. */
  registry: () => {
    const registry = createRegistry({ defaults: { failureThreshold: 5, minBackoffMs: HOUR_MS } });
    return () => registry.execute('search', succeed);
  },
  /** Not in scenario 9's rounds: a closed call with a signal (the full path, per-call handlers). */
  signal: () => {
    const breaker = createBreaker({ failureThreshold: 5, minBackoffMs: HOUR_MS });
    const { signal } = new AbortController();
    return () => breaker.execute(succeed, { signal });
  },
  samplingPair: () => {
    const sampling = circuitBreaker(handleAll, {
      halfOpenAfter: HOUR_MS,
      breaker: new SamplingBreaker({ threshold: 0.6, duration: 10_000 }),
    });
    return () => pair((fn) => sampling.execute(fn));
  },
} as const satisfies Record<string, () => () => Promise<unknown>>;

export type IsolatedVariant = keyof typeof ISOLATED;
