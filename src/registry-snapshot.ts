import type { BreakerConfig } from '../machines/breaker.types.js';
import { SnapshotError } from './errors.js';
import {
  restoreBreakerSnapshot,
  type BreakerStateValue,
  type PersistedBreakerContext,
  type PersistedBreakerSnapshot,
} from './snapshot.js';
import { checkToolName } from './tool-name.js';

/** A registry's persisted state: every tool's breaker snapshot. Plain JSON. */
export interface PersistedRegistrySnapshot {
  readonly format: 'tripstate.registry';
  readonly version: 1;
  /** Pairs, not an object, so no tool name can be a special property. */
  readonly tools: readonly (readonly [string, PersistedBreakerSnapshot])[];
}

/** One tool's persisted state without its configuration (which comes from the options on load). */
export interface PersistedToolState {
  readonly value: BreakerStateValue;
  readonly context: Omit<PersistedBreakerContext, 'config'>;
}

/** What changed since the last write, as handed to `RegistryStore.write`. */
export interface RegistryChanges {
  /** True when everything written before is forgotten first (`resetAll()`, or a start from `snapshot`). */
  readonly cleared: boolean;
  /** Each changed tool's state as it is now; null for a tool forgotten (reset or evicted). */
  readonly tools: readonly (readonly [tool: string, state: PersistedToolState | null])[];
}

/** What a registry offers its store. */
export interface StoreContext {
  /** Reports something the store dealt with by itself (tools dropped to stay in bounds): a registry `warning` event. */
  warn(message: string, error?: unknown): void;
}

/**
 * Where a registry keeps its state across restarts. Every method may return a promise; the
 * registry never calls one before the previous call has settled. A store has `save`, `write`,
 * or both (then `write` is used).
 */
export interface RegistryStore {
  /**
   * The saved state: a `PersistedRegistrySnapshot` (each tool's `context.config` may be left
   * out), or undefined when there is none yet. Called once, at start; a synchronous result is
   * restored before `createRegistry` returns. A throw or rejection becomes a `SnapshotError`.
   */
  load(context: StoreContext): unknown;
  /** Saves the whole registry (simple stores): called with every tool after each batch of changes. */
  save?(snapshot: PersistedRegistrySnapshot, context: StoreContext): void | PromiseLike<void>;
  /** Saves what changed since the last call (incremental stores); resolves once it is durable. */
  write?(changes: RegistryChanges, context: StoreContext): void | PromiseLike<void>;
  /** Releases what the store holds (a lock, a file); called after the last write once the registry stops. */
  close?(): void | PromiseLike<void>;
  /**
   * Milliseconds the registry gathers changes before a write, so openings from separate
   * callbacks are one write. @default undefined: within one microtask (a synchronous store)
   */
  readonly writeDelayMs?: number;
}

/** A tool's persisted state without its configuration. */
export function toolState(snapshot: PersistedBreakerSnapshot): PersistedToolState {
  const { config: _config, ...context } = snapshot.context;
  return { value: snapshot.value, context };
}

/**
 * Validates a registry snapshot of unknown origin; each tool's breaker snapshot is rebuilt
 * from its known fields with the tool's current configuration.
 */
export function restoreRegistrySnapshot(
  input: unknown,
  configFor: (tool: string) => BreakerConfig,
  maxToolNameLength: number,
): [string, PersistedBreakerSnapshot][] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SnapshotError('', 'expected a registry snapshot object');
  }
  const { format, version, tools } = input as Record<string, unknown>;
  if (format !== 'tripstate.registry' || version !== 1) {
    throw new SnapshotError('format', 'not a tripstate registry snapshot of version 1');
  }
  if (!Array.isArray(tools)) throw new SnapshotError('tools', 'expected an array of [tool, snapshot] pairs');
  const seen = new Set<string>();
  return tools.map((pair: unknown, index): [string, PersistedBreakerSnapshot] => {
    if (!Array.isArray(pair) || pair.length !== 2)
      throw new SnapshotError(`tools[${index}]`, 'expected a [tool, snapshot] pair');
    const [tool, snapshot] = pair as [unknown, unknown];
    try {
      checkToolName(tool, maxToolNameLength);
    } catch (error) {
      throw new SnapshotError(`tools[${index}][0]`, (error as Error).message.replace('tripstate: ', ''));
    }
    if (seen.has(tool)) throw new SnapshotError(`tools[${index}][0]`, 'a tool listed twice');
    seen.add(tool);
    try {
      return [tool, restoreBreakerSnapshot(snapshot, configFor(tool))];
    } catch (error) {
      if (error instanceof SnapshotError) {
        throw new SnapshotError(`tools[${index}][1]${error.path ? `.${error.path}` : ''}`, error.problem);
      }
      throw error;
    }
  });
}
