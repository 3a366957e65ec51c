import type { BreakerState } from '../machines/breaker.types.js';

const BROKEN = Symbol.for('tripstate.BrokenCircuitError');

/**
 * Makes an error without capturing a stack trace (V8's `Error.stackTraceLimit` set to 0 for
 * the construction). A rejection is control flow, its message names the circuit and the wait,
 * and capturing the stack is most of what it costs (about 2 µs of 2.5). @internal
 */
export function withoutStack<E>(make: () => E): E {
  if (!('stackTraceLimit' in Error)) return make();
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
  } catch {
    return make(); // a frozen Error constructor (SES lockdown)
  }
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Thrown by `execute()` when the breaker does not admit the call. Those thrown by a breaker
 * carry no stack trace (see `docs/api.md`): the message says which circuit and for how long.
 */
export class BrokenCircuitError extends Error {
  override readonly name: string = 'BrokenCircuitError';
  /** The state that rejected the call. */
  readonly state: Exclude<BreakerState, 'closed'>;
  /** Milliseconds until a probe is admitted; null when not open (half-open busy, isolated). */
  readonly remainingBackoffMs: number | null;
  /** The registry's tool name, when the breaker belongs to a registry. */
  readonly tool: string | undefined;
  readonly [BROKEN] = true;

  constructor(state: Exclude<BreakerState, 'closed'>, remainingBackoffMs: number | null, tool?: string) {
    super(
      state === 'isolated'
        ? `Circuit${tool === undefined ? '' : ` for ${JSON.stringify(tool.slice(0, 200))}`} is isolated`
        : `Circuit${tool === undefined ? '' : ` for ${JSON.stringify(tool.slice(0, 200))}`} is ${state === 'open' ? 'open' : 'half-open with its probe in flight'}` +
            (remainingBackoffMs === null ? '' : `; retry in ${Math.ceil(remainingBackoffMs)} ms`),
    );
    this.state = state;
    this.remainingBackoffMs = remainingBackoffMs;
    this.tool = tool;
  }
}

/** Thrown by `execute()` when the breaker was isolated by `isolate()`. */
export class IsolatedCircuitError extends BrokenCircuitError {
  override readonly name: string = 'IsolatedCircuitError';
  constructor(tool?: string) {
    super('isolated', null, tool);
  }
}

/** True for a `BrokenCircuitError` (or subclass), also from another copy of tripstate. */
export function isBrokenCircuitError(error: unknown): error is BrokenCircuitError {
  return hasBrand(error, BROKEN);
}

/** True when `value` carries `brand` (a `Symbol.for` key), read without ever throwing. @internal */
export function hasBrand(value: unknown, brand: symbol): boolean {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return (value as Record<symbol, unknown>)[brand] === true;
  } catch {
    return false;
  }
}

/** True for an `IsolatedCircuitError`, also from another copy of tripstate. */
export function isIsolatedCircuitError(error: unknown): error is IsolatedCircuitError {
  return isBrokenCircuitError(error) && error.state === 'isolated';
}

/** Thrown when a persisted snapshot is not one tripstate can restore. */
export class SnapshotError extends TypeError {
  override readonly name = 'SnapshotError';
  /** Where in the snapshot the problem is, e.g. `context.failureCount`; empty for the whole value. */
  readonly path: string;
  /** What is wrong there. */
  readonly problem: string;
  constructor(path: string, problem: string, options?: { readonly cause?: unknown }) {
    super(`tripstate: invalid snapshot at ${path || '(root)'}: ${problem}`, options);
    this.path = path;
    this.problem = problem;
  }
}

const STOPPED = Symbol.for('tripstate.BreakerStoppedError');

/** Thrown by `execute()` on a breaker or registry after its `stop()`: nothing runs any more. */
export class BreakerStoppedError extends Error {
  override readonly name = 'BreakerStoppedError';
  /** The registry's tool name, when the breaker belongs to a registry. */
  readonly tool: string | undefined;
  readonly [STOPPED] = true;
  constructor(tool?: string) {
    super(
      `tripstate: the ${tool === undefined ? 'breaker' : `breaker of ${JSON.stringify(tool.slice(0, 200))}`} is stopped`,
    );
    this.tool = tool;
  }
}

/** True for a `BreakerStoppedError`, also from another copy of tripstate. */
export function isBreakerStoppedError(error: unknown): error is BreakerStoppedError {
  return hasBrand(error, STOPPED);
}

const LOCKED = Symbol.for('tripstate.StoreLockedError');

/** Who holds a store's lock file. */
export interface StoreLockOwner {
  readonly pid: number;
  readonly host: string;
}

/**
 * Thrown when a store is opened for writing while another process (or another store in this
 * one) holds its lock file. Open the store with `readOnly: true` to read it anyway.
 */
export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError';
  /** The lock file. */
  readonly lockPath: string;
  /** Its owner, as written in it; undefined when it could not be read. */
  readonly owner: StoreLockOwner | undefined;
  readonly [LOCKED] = true;
  constructor(lockPath: string, owner: StoreLockOwner | undefined, detail: string) {
    super(
      `tripstate: ${lockPath} is held by ${owner === undefined ? 'another writer' : `pid ${owner.pid} on ${JSON.stringify(owner.host)}`} (${detail}); ` +
        'open the store with readOnly: true to share it read-only, or remove the lock file if that process is gone',
    );
    this.lockPath = lockPath;
    this.owner = owner;
  }
}

/** True for a `StoreLockedError`, also from another copy of tripstate. */
export function isStoreLockedError(error: unknown): error is StoreLockedError {
  return hasBrand(error, LOCKED);
}
