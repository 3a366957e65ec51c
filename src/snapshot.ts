import { isErrorCategory } from '../machines/categories.js';
import type { BreakerConfig, BreakerContext } from '../machines/breaker.types.js';
import { createWindow, type OutcomeWindow, type WindowConfig } from '../machines/breaker.window.js';
import { SnapshotError } from './errors.js';

/** An outcome window as JSON: its counters as a plain array. */
export interface PersistedWindow {
  readonly counts: readonly number[];
  readonly head: number;
  readonly headEpoch: number;
}

/** A breaker's context as JSON (the window's typed array as a plain array). */
export type PersistedBreakerContext = Omit<BreakerContext, 'window' | 'fleetGeneration'> & {
  readonly window: PersistedWindow | null;
  /** Absent from snapshots saved before fleets existed (restored as null). */
  readonly fleetGeneration?: number | null;
};

/** The XState persisted snapshot of one breaker: plain JSON. */
export interface PersistedBreakerSnapshot {
  readonly status: 'active';
  readonly value: BreakerStateValue;
  readonly context: PersistedBreakerContext;
  readonly historyValue: Record<string, never>;
  readonly children: Record<string, never>;
}

/** A persisted snapshot with its live context, as an actor starts from it. @internal */
export type LiveBreakerSnapshot = Omit<PersistedBreakerSnapshot, 'context'> & {
  readonly context: BreakerContext;
};

/** The JSON form of a live context. */
export function persistedContext(context: BreakerContext): PersistedBreakerContext {
  const w = context.window;
  return {
    ...context,
    window: w === null ? null : { counts: Array.from(w.counts), head: w.head, headEpoch: w.headEpoch },
  };
}

/**
 * `persistedContext(context)` without its configuration, in one copy: what a store is handed for
 * a running breaker (read from its live snapshot, not from a persisted snapshot that copies the
 * whole context, configuration included, to drop it).
 */
export function persistedToolContext(context: BreakerContext): Omit<PersistedBreakerContext, 'config'> {
  const { config: _config, window: w, ...rest } = context;
  const window = w === null ? null : { counts: Array.from(w.counts), head: w.head, headEpoch: w.headEpoch };
  return Object.assign(rest, { window });
}

/** The live context of a validated persisted one (a fresh window when the shape no longer fits). */
export function liveContext(context: PersistedBreakerContext): BreakerContext {
  const spec = context.config.window;
  const fresh = createWindow(spec);
  const saved = context.window;
  const fleetGeneration = context.fleetGeneration ?? null;
  if (spec === null || fresh === null || saved === null || saved.counts.length !== fresh.counts.length) {
    return { ...context, window: fresh, fleetGeneration };
  }
  return { ...context, window: filledWindow(spec, fresh, saved), fleetGeneration };
}

function filledWindow(spec: WindowConfig, window: OutcomeWindow, saved: PersistedWindow): OutcomeWindow {
  const max = spec.kind === 'count' ? 1 : 0xffffffff;
  saved.counts.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 0 || n > max) {
      throw new SnapshotError(
        `context.window.counts.${i}`,
        `expected an integer in [0, ${max}], got ${String(n)}`,
      );
    }
    window.counts[i] = n;
  });
  for (let k = 0; k < window.counts.length; k += 3) {
    const [calls, failures, slow] = [window.counts[k]!, window.counts[k + 1]!, window.counts[k + 2]!];
    if (failures > calls || slow > calls) {
      throw new SnapshotError(
        `context.window.counts.${k}`,
        'a bucket has more failures or slow calls than calls',
      );
    }
    window.calls += calls;
    window.failures += failures;
    window.slow += slow;
  }
  if (!Number.isInteger(saved.head) || saved.head < 0 || saved.head >= spec.size) {
    throw new SnapshotError(
      'context.window.head',
      `expected an integer in [0, ${spec.size}), got ${String(saved.head)}`,
    );
  }
  if (!Number.isSafeInteger(saved.headEpoch) || saved.headEpoch < 0) {
    throw new SnapshotError(
      'context.window.headEpoch',
      `expected a non-negative integer, got ${String(saved.headEpoch)}`,
    );
  }
  window.head = saved.head;
  window.headEpoch = saved.headEpoch;
  return window;
}

function persistedWindow(c: object): PersistedWindow | null {
  const value = own(c, 'window');
  if (value === undefined || value === null) return null;
  const w = record(value, 'context.window');
  const counts = own(w, 'counts');
  if (!Array.isArray(counts))
    throw new SnapshotError('context.window.counts', 'expected an array of counters');
  return {
    counts: counts as number[],
    head: own(w, 'head') as number,
    headEpoch: own(w, 'headEpoch') as number,
  };
}

/** The largest generation restored: 2^52, leaving 2^52 state changes before `generation + 1` stops being exact. */
export const MAX_RESTORED_GENERATION = 2 ** 52;

/** The longest a restored open circuit waits, in milliseconds: Node's largest timer delay (2^31 − 1). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Every state value the breaker machine can be in. */
export type BreakerStateValue =
  | 'closed'
  | { readonly open: 'cooling' }
  | { readonly halfOpen: 'idle' | 'probing' | 'claiming' }
  | 'isolated';

const own = (value: object, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;

function record(value: unknown, path: string): object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SnapshotError(path, `expected an object, got ${value === null ? 'null' : typeof value}`);
  }
  return value;
}

/** A field the snapshot must have: absent is said as such, not as a wrong value. */
function present(context: object, key: string): unknown {
  const value = own(context, key);
  if (value === undefined) throw new SnapshotError(`context.${key}`, `missing context.${key}`);
  return value;
}

function count(context: object, key: string): number {
  const value = present(context, key);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SnapshotError(`context.${key}`, `expected a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** A counter added after the first snapshots were written: absent reads as 0. */
function laterCount(context: object, key: string): number {
  return own(context, key) === undefined ? 0 : count(context, key);
}

function time(context: object, key: string, nullable: boolean): number | null {
  const value = present(context, key);
  if (value === null && nullable) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new SnapshotError(
      `context.${key}`,
      `expected ${nullable ? 'null or ' : ''}a finite non-negative number, got ${String(value)}`,
    );
  }
  return value;
}

function stateValue(value: unknown): BreakerStateValue {
  if (value === 'closed' || value === 'isolated') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const child = keys.length === 1 ? own(value, keys[0] as string) : undefined;
    if (keys[0] === 'open' && child === 'cooling') return { open: 'cooling' };
    if (keys[0] === 'halfOpen' && (child === 'idle' || child === 'probing' || child === 'claiming'))
      return { halfOpen: child };
  }
  throw new SnapshotError(
    'value',
    `not a breaker state: ${JSON.stringify(value)?.slice(0, 100) ?? String(value)}`,
  );
}

/**
 * Validates a persisted breaker snapshot of unknown origin (taken while running or after
 * `stop()`) and rebuilds it, active, from its known
 * fields only (nothing else is copied, so no prototype can be polluted), with `config`
 * replaced by the breaker's current configuration. Given `now` (epoch milliseconds), a
 * `retryAt` further ahead than `config.maxBackoffMs` (or 2^31 − 1 ms) is brought back to it.
 * A generation above `MAX_RESTORED_GENERATION` is refused.
 */
export function restoreBreakerSnapshot(
  input: unknown,
  config: BreakerConfig,
  now?: number,
): PersistedBreakerSnapshot {
  const snapshot = record(input, '');
  if (own(snapshot, 'format') === 'tripstate.registry') {
    throw new SnapshotError(
      '',
      "this is a registry snapshot, not a breaker's: restore it with createRegistry({ snapshot })",
    );
  }
  // A snapshot taken after `stop()` says "stopped": the circuit it holds is the one at stop().
  const status = own(snapshot, 'status');
  if (status !== 'active' && status !== 'stopped') {
    throw new SnapshotError(
      'status',
      `expected "active" or "stopped", got ${JSON.stringify(status) ?? 'undefined'}`,
    );
  }
  const value = stateValue(own(snapshot, 'value'));
  const c = record(own(snapshot, 'context'), 'context');
  const category = present(c, 'lastErrorCategory');
  if (category !== null && !isErrorCategory(category)) {
    throw new SnapshotError(
      'context.lastErrorCategory',
      `not an error category: ${JSON.stringify(category)}`,
    );
  }
  const generation = count(c, 'generation');
  if (generation > MAX_RESTORED_GENERATION) {
    throw new SnapshotError(
      'context.generation',
      `${generation} is above ${MAX_RESTORED_GENERATION}: it could not keep advancing`,
    );
  }
  const retryAt = time(c, 'retryAt', true);
  const context: PersistedBreakerContext = {
    config,
    generation,
    failureCount: count(c, 'failureCount'),
    currentBackoffMs: time(c, 'currentBackoffMs', false) as number,
    retryAt:
      retryAt === null || now === undefined
        ? retryAt
        : Math.min(retryAt, now + Math.min(config.maxBackoffMs, MAX_TIMER_MS)),
    openedAt: time(c, 'openedAt', true),
    openCount: count(c, 'openCount'),
    halfOpenCount: count(c, 'halfOpenCount'),
    deniedRequests: count(c, 'deniedRequests'),
    lastDeniedAt: time(c, 'lastDeniedAt', true),
    lastErrorCategory: category,
    // Absent from snapshots saved before it existed.
    lastErrorAt: own(c, 'lastErrorAt') === undefined ? null : time(c, 'lastErrorAt', true),
    probesInFlight: count(c, 'probesInFlight'),
    probeStartedAt: time(c, 'probeStartedAt', true),
    window: persistedWindow(c),
    probeResults: laterCount(c, 'probeResults'),
    probeFailures: laterCount(c, 'probeFailures'),
    probeSlowCalls: laterCount(c, 'probeSlowCalls'),
    idleSince: own(c, 'idleSince') === undefined ? null : time(c, 'idleSince', true),
    // Absent from snapshots saved before fleets existed.
    fleetGeneration: own(c, 'fleetGeneration') == null ? null : count(c, 'fleetGeneration'),
  };
  liveContext(context); // validates the window's counters
  const open = typeof value === 'object' && 'open' in value;
  if (open !== (context.retryAt !== null)) {
    throw new SnapshotError(
      'context.retryAt',
      open ? 'an open breaker needs retryAt' : 'only an open breaker has retryAt',
    );
  }
  return { status: 'active', value, context, historyValue: {}, children: {} };
}
