/** Whole-registry reads: every tool's diagnostics at one instant, and the persisted snapshot. */
import type { BreakerDiagnostics } from '../breaker.js';
import type { PersistedRegistrySnapshot } from '../registry-snapshot.js';
import type { ToolSlot } from './slot.js';

/** One tool's diagnostics. */
export interface ToolDiagnostics extends BreakerDiagnostics {
  readonly tool: string;
}

/** One consistent view of the whole registry. */
export interface RegistrySnapshot {
  readonly diagnostics: readonly ToolDiagnostics[];
  /** Tools whose circuit is open or isolated. */
  readonly openCircuits: readonly string[];
  readonly openCount: number;
}

/** Every tool's diagnostics, the open circuits and their count, read at one instant. */
export function registrySnapshot(slots: Iterable<ToolSlot>): RegistrySnapshot {
  const diagnostics: ToolDiagnostics[] = [];
  const openCircuits: string[] = [];
  for (const { tool, breaker } of slots) {
    const d = breaker.diagnostics();
    diagnostics.push({ tool, ...d });
    if (d.isOpen) openCircuits.push(tool);
  }
  return { diagnostics, openCircuits, openCount: openCircuits.length };
}

/** Every tool's breaker snapshot, for `createRegistry({ snapshot })`. */
export function persistedRegistry(slots: Iterable<ToolSlot>): PersistedRegistrySnapshot {
  const tools: PersistedRegistrySnapshot['tools'][number][] = [];
  for (const { tool, breaker } of slots) tools.push([tool, breaker.getPersistedSnapshot()]);
  return { format: 'tripstate.registry', version: 1, tools };
}
