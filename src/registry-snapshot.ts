import type { BreakerConfig } from '../machines/breaker.types.js';
import { SnapshotError } from './errors.js';
import { restoreBreakerSnapshot, type PersistedBreakerSnapshot } from './snapshot.js';
import { checkToolName } from './tool-name.js';

/** A registry's persisted state: every tool's breaker snapshot. Plain JSON. */
export interface PersistedRegistrySnapshot {
  readonly format: 'tripstate.registry';
  readonly version: 1;
  /** Pairs, not an object, so no tool name can be a special property. */
  readonly tools: readonly (readonly [string, PersistedBreakerSnapshot])[];
}

/** Where a registry keeps its snapshot across restarts. */
export interface RegistryStore {
  /** The saved snapshot, or undefined when there is none yet. May throw for unreadable data. */
  load(): unknown;
  /** Saves a snapshot; called after each state change, so it should be quick and atomic. */
  save(snapshot: PersistedRegistrySnapshot): void;
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
