/**
 * Checks of one option value each, shared by every options resolver: each returns the value
 * (or its default when undefined) or throws a RangeError (TypeError for a non-function) that
 * names the option, the rule and the value given.
 */
import { MAX_DELAY_MS } from '../machines/breaker.logic.js';

/** A value as an error message quotes it. @internal */
export const show = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : String(value);

/** Throws the RangeError of option `name`'s rule. @internal */
export function fail(name: string, value: unknown, rule: string): never {
  throw new RangeError(`tripstate: option ${name} must be ${rule}, got ${show(value)}`);
}

/** An integer >= `min`. @internal */
export function integer(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    fail(name, value, `an integer >= ${min}`);
  return value;
}

/** Milliseconds, finite, in [`min`, the longest timer delay]. @internal */
export function duration(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_DELAY_MS) {
    fail(name, value, `a finite number of milliseconds in [${min}, ${MAX_DELAY_MS}]`);
  }
  return value;
}

/** A function. @internal */
export function fn<T>(name: string, value: unknown, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function')
    throw new TypeError(`tripstate: option ${name} must be a function, got ${show(value)}`);
  return value as T;
}

/** A rate in (0, 1]. @internal */
export function rate(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) fail(name, value, 'a number in (0, 1]');
  return value;
}
