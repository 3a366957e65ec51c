import type { PersistedToolState } from '../registry-snapshot.js';
import { setLine, type JournalRecord } from './journal-format.js';

/**
 * The records of a one-JSON-document snapshot (`{ format: 'tripstate.registry', tools }`, what
 * earlier versions of the file store wrote), for the journal that replaces it on the first
 * write. Entries that are not plausible are skipped: the registry refuses such a snapshot anyway.
 */
export function legacyRecords(value: unknown): Map<string, JournalRecord> {
  const records = new Map<string, JournalRecord>();
  const tools = (value as { tools?: unknown } | null)?.tools;
  if (!Array.isArray(tools)) return records;
  for (const pair of tools) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string') continue;
    const state = pair[1] as Partial<PersistedToolState> | null;
    if (typeof state !== 'object' || state === null || typeof state.context !== 'object') continue;
    try {
      records.set(pair[0], setLine(pair[0], state as PersistedToolState));
    } catch {
      // not a breaker snapshot
    }
  }
  return records;
}
