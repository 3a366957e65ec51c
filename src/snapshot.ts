import { isErrorCategory } from '../machines/categories.js';
import type { BreakerConfig, BreakerContext } from '../machines/breaker.types.js';
import { SnapshotError } from './errors.js';

/** The XState persisted snapshot of one breaker: plain JSON. */
export interface PersistedBreakerSnapshot {
  readonly status: 'active';
  readonly value: BreakerStateValue;
  readonly context: BreakerContext;
  readonly historyValue: Record<string, never>;
  readonly children: Record<string, never>;
}

/** Every state value the breaker machine can be in. */
export type BreakerStateValue =
  'closed' | { readonly open: 'cooling' } | { readonly halfOpen: 'idle' | 'probing' } | 'isolated';

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
    if (keys[0] === 'halfOpen' && (child === 'idle' || child === 'probing')) return { halfOpen: child };
  }
  throw new SnapshotError(
    'value',
    `not a breaker state: ${JSON.stringify(value)?.slice(0, 100) ?? String(value)}`,
  );
}

/**
 * Validates a persisted breaker snapshot of unknown origin and rebuilds it from its known
 * fields only (nothing else is copied, so no prototype can be polluted), with `config`
 * replaced by the breaker's current configuration.
 */
export function restoreBreakerSnapshot(input: unknown, config: BreakerConfig): PersistedBreakerSnapshot {
  const snapshot = record(input, '');
  if (own(snapshot, 'format') === 'tripstate.registry') {
    throw new SnapshotError(
      '',
      "this is a registry snapshot, not a breaker's: restore it with createRegistry({ snapshot })",
    );
  }
  if (own(snapshot, 'status') !== 'active') {
    throw new SnapshotError(
      'status',
      `expected "active", got ${JSON.stringify(own(snapshot, 'status')) ?? 'undefined'}`,
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
  const context: BreakerContext = {
    config,
    generation: count(c, 'generation'),
    failureCount: count(c, 'failureCount'),
    currentBackoffMs: time(c, 'currentBackoffMs', false) as number,
    retryAt: time(c, 'retryAt', true),
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
  };
  const open = typeof value === 'object' && 'open' in value;
  if (open !== (context.retryAt !== null)) {
    throw new SnapshotError(
      'context.retryAt',
      open ? 'an open breaker needs retryAt' : 'only an open breaker has retryAt',
    );
  }
  return { status: 'active', value, context, historyValue: {}, children: {} };
}
