import { measure } from 'mitata';
import type { BenchConfig } from './config.js';

/** Median nanoseconds per call of `fn`, sampled by mitata (async functions are awaited). */
export async function medianNs(config: BenchConfig, fn: () => unknown): Promise<number> {
  const stats = await measure(fn, { ...config.mitata });
  return stats.p50;
}

/**
 * Median nanoseconds per call of each function, measured in `config.rounds` interleaved rounds
 * (each round measures every function once, in order) so drifting load hits all of them alike;
 * each function's figure is the median of its rounds.
 */
export async function interleavedMedianNs<K extends string>(
  config: BenchConfig,
  fns: Readonly<Record<K, () => unknown>>,
): Promise<Record<K, number>> {
  const keys = Object.keys(fns) as K[];
  const runs = new Map<K, number[]>(keys.map((key) => [key, []]));
  for (let round = 0; round < config.rounds; round++) {
    for (const key of keys) runs.get(key)!.push(await medianNs(config, fns[key]));
  }
  return Object.fromEntries(keys.map((key) => [key, median(runs.get(key)!)])) as Record<K, number>;
}

/** The median of some numbers (NaN for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A monotonic clock in nanoseconds, as a number. */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/** Waits for real time to pass (timers of the libraries run meanwhile). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A full garbage collection, when node runs with --expose-gc. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/**
 * Bytes held, after a full collection: the V8 heap in use plus the backing stores of
 * `ArrayBuffer`s, which V8 keeps outside its heap (a typed array over 64 bytes, such as a
 * window's counters, is not in `heapUsed`).
 */
export function liveBytes(): number {
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** Bytes of V8 heap in use, after a full collection. */
export function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
