/**
 * The file store's journal: JSON lines. A header, then one line per change:
 * `["set", tool, state, [generation, failureCount, …]]`, `["del", tool]` or `["clear"]`.
 * Each tool's context is a fixed array of values (no field names, no configuration).
 */
import { SnapshotError } from '../errors.js';
import type { PersistedRegistrySnapshot, PersistedToolState } from '../registry-snapshot.js';
import type { BreakerStateValue, PersistedBreakerSnapshot } from '../snapshot.js';

export const JOURNAL_HEADER = '{"format":"tripstate.journal","version":1}\n';

const FIELDS = [
  'generation',
  'failureCount',
  'currentBackoffMs',
  'retryAt',
  'openedAt',
  'openCount',
  'halfOpenCount',
  'deniedRequests',
  'lastDeniedAt',
  'lastErrorCategory',
  'probesInFlight',
  'probeStartedAt',
] as const;

type StateCode = 'closed' | 'open' | 'halfOpen.idle' | 'halfOpen.probing' | 'isolated';

const VALUES: Readonly<Record<StateCode, BreakerStateValue>> = {
  closed: 'closed',
  open: { open: 'cooling' },
  'halfOpen.idle': { halfOpen: 'idle' },
  'halfOpen.probing': { halfOpen: 'probing' },
  isolated: 'isolated',
};

/** How much a tool is worth keeping when the file must shrink: lower is kept first. */
export const RANK: Readonly<Record<StateCode, number>> = {
  isolated: 0,
  open: 1,
  'halfOpen.idle': 2,
  'halfOpen.probing': 2,
  closed: 4,
};
const FAILING_RANK = 3;

/** One tool's line in the journal, its size and how much it is worth keeping. */
export interface JournalRecord {
  readonly line: string;
  readonly bytes: number;
  readonly rank: number;
}

function code(value: BreakerStateValue): StateCode {
  if (typeof value === 'string') return value;
  return 'open' in value ? 'open' : value.halfOpen === 'idle' ? 'halfOpen.idle' : 'halfOpen.probing';
}

const rankOf = (state: StateCode, failureCount: unknown): number =>
  state === 'closed' && typeof failureCount === 'number' && failureCount > 0 ? FAILING_RANK : RANK[state];

/** The journal line that sets a tool's state. */
export function setLine(tool: string, state: PersistedToolState): JournalRecord {
  const c = state.context;
  const line = `${JSON.stringify(['set', tool, code(state.value), FIELDS.map((field) => c[field])])}\n`;
  return { line, bytes: Buffer.byteLength(line), rank: rankOf(code(state.value), c.failureCount) };
}

/** The journal line that forgets a tool. */
export const deleteLine = (tool: string): string => `${JSON.stringify(['del', tool])}\n`;
export const CLEAR_LINE = '["clear"]\n';

/** A loaded journal: each tool's latest line, and the registry snapshot they make. */
export interface ParsedJournal {
  readonly records: Map<string, JournalRecord>;
  readonly snapshot: PersistedRegistrySnapshot;
  /** Bytes of whole lines; a torn last line (a write cut by a crash, never acknowledged) is past it. */
  readonly validBytes: number;
}

function invalid(path: string, lineNumber: number, problem: string): SnapshotError {
  return new SnapshotError('', `${path} line ${lineNumber}: ${problem}`);
}

function breakerSnapshot(state: StateCode, values: readonly unknown[]): PersistedBreakerSnapshot {
  const context: Record<string, unknown> = {};
  for (let i = 0; i < FIELDS.length; i++) context[FIELDS[i] as string] = values[i];
  return {
    status: 'active',
    value: VALUES[state],
    context: context as unknown as PersistedBreakerSnapshot['context'],
    historyValue: {},
    children: {},
  };
}

/**
 * Parses a journal (after its header), each line once. A bad line other than a torn last one
 * is a `SnapshotError` naming the file and the line.
 */
export function parseJournal(path: string, buffer: Buffer): ParsedJournal {
  const records = new Map<string, JournalRecord>();
  const states = new Map<string, PersistedBreakerSnapshot>();
  let start = JOURNAL_HEADER.length;
  let lineNumber = 1;
  while (start < buffer.length) {
    const end = buffer.indexOf(10, start);
    if (end < 0) break; // a torn last line
    lineNumber++;
    const text = buffer.toString('utf8', start, end + 1);
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch (error) {
      throw invalid(path, lineNumber, `not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(entry)) throw invalid(path, lineNumber, 'expected a JSON array');
    const [op, tool, state, fields] = entry as unknown[];
    if (op === 'clear' && entry.length === 1) {
      records.clear();
      states.clear();
    } else if (op === 'del' && typeof tool === 'string' && entry.length === 2) {
      records.delete(tool);
      states.delete(tool);
    } else if (
      op === 'set' &&
      typeof tool === 'string' &&
      typeof state === 'string' &&
      Object.hasOwn(VALUES, state) &&
      Array.isArray(fields) &&
      fields.length === FIELDS.length &&
      entry.length === 4
    ) {
      // A tool's latest line comes last, as in the file.
      records.delete(tool);
      records.set(tool, { line: text, bytes: end + 1 - start, rank: rankOf(state as StateCode, fields[1]) });
      states.delete(tool);
      states.set(tool, breakerSnapshot(state as StateCode, fields as unknown[]));
    } else {
      throw invalid(path, lineNumber, `not a journal entry: ${text.slice(0, 100)}`);
    }
    start = end + 1;
  }
  return {
    records,
    snapshot: { format: 'tripstate.registry', version: 1, tools: [...states] },
    validBytes: start,
  };
}
