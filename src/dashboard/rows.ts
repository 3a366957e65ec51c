import type { ErrorCategory } from '../../machines/categories.js';
import type { BreakerState } from '../../machines/breaker.types.js';
import type { ToolDiagnostics } from '../registry.js';

/** One tool as the page shows it: its state, leaf state and counters. */
export interface ToolRow {
  readonly tool: string;
  readonly state: BreakerState;
  /** The active leaf: `closed`, `open.cooling`, `halfOpen.idle`, `halfOpen.probing` or `isolated`. */
  readonly leaf: string;
  readonly failureCount: number;
  readonly openCount: number;
  readonly halfOpenCount: number;
  readonly deniedRequests: number;
  /** The latest trip-counting failure, kept after a recovery until a newer one. */
  readonly lastErrorCategory: ErrorCategory | null;
  /** Epoch milliseconds (the registry's clock) of that failure; null before any. */
  readonly lastErrorAt: number | null;
  readonly probesInFlight: number;
  readonly currentBackoffMs: number;
  /** Milliseconds before a probe is admitted, when the row was read; null unless open. */
  readonly remainingBackoffMs: number | null;
}

function leafOf(d: ToolDiagnostics): string {
  switch (d.state) {
    case 'open':
      return 'open.cooling';
    case 'halfOpen':
      return d.probesInFlight > 0 ? 'halfOpen.probing' : 'halfOpen.idle';
    default:
      return d.state;
  }
}

/** The row of a tool's diagnostics. */
export function toRow(d: ToolDiagnostics): ToolRow {
  return {
    tool: d.tool,
    state: d.state,
    leaf: leafOf(d),
    failureCount: d.failureCount,
    openCount: d.openCount,
    halfOpenCount: d.halfOpenCount,
    deniedRequests: d.deniedRequests,
    lastErrorCategory: d.lastErrorCategory,
    lastErrorAt: d.lastErrorAt,
    probesInFlight: d.probesInFlight,
    currentBackoffMs: d.currentBackoffMs,
    remainingBackoffMs: d.remainingBackoffMs,
  };
}

const COMPARED = [
  'leaf',
  'failureCount',
  'openCount',
  'halfOpenCount',
  'deniedRequests',
  'lastErrorCategory',
  'lastErrorAt',
  'probesInFlight',
  'currentBackoffMs',
] as const satisfies readonly (keyof ToolRow)[];

/** Countdown drift (ms, registry clock) past which a row is sent again. */
const MAX_DRIFT_MS = 500;

/**
 * True when the page's copy of a row, sent `elapsedMs` ago on the registry's clock and counted
 * down since on that clock, no longer matches `next`.
 */
export function rowChanged(sent: ToolRow | undefined, next: ToolRow, elapsedMs: number): boolean {
  if (sent === undefined) return true;
  for (const key of COMPARED) if (sent[key] !== next[key]) return true;
  if (sent.remainingBackoffMs === null || next.remainingBackoffMs === null) {
    return sent.remainingBackoffMs !== next.remainingBackoffMs;
  }
  const expected = Math.max(0, sent.remainingBackoffMs - elapsedMs);
  return Math.abs(expected - next.remainingBackoffMs) > MAX_DRIFT_MS;
}
