/**
 * The floor under any guarded call: what wrapping `await fn()` costs, by wrapper shape.
 *   node --import tsx bench/profile/wrapper-floor.ts
 */
import { measure } from 'mitata';
import { succeed } from '../workload.js';

let settled = 0;

async function asyncWrapper<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    settled++;
  }
}

const onSettled = <T>(value: T): T => {
  settled++;
  return value;
};
const onFailed = (error: unknown): never => {
  settled++;
  throw error;
};

function thenWrapper<T>(fn: () => Promise<T>): Promise<T> {
  return fn().then(onSettled, onFailed);
}

const cases: [string, () => unknown][] = [
  ['bare await fn()', () => succeed()],
  ['async function wrapper (await in try/finally)', () => asyncWrapper(succeed)],
  ['non-async wrapper (fn().then(ok, fail))', () => thenWrapper(succeed)],
];
for (const [label, fn] of cases) {
  const stats = await measure(fn);
  console.log(`${label.padEnd(48)} ${stats.p50.toFixed(0).padStart(5)} ns`);
}
console.log(`(${settled} wrapped calls)`);
