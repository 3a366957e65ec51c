/**
 * Rows of per-operation timings against the bare call: median, ratio to bare, overhead
 * (median minus bare) and that overhead relative to cockatiel's.
 */
import { formatNs, formatRatio, type Table } from './report.js';

export interface Timing {
  readonly label: string;
  readonly ns: number;
  /** Synchronous work with no call inside: its whole time is overhead, and no ratio to bare applies. */
  readonly standalone?: boolean;
}

export const TIMED_HEADER = ['variant', 'median/op', '× bare', 'overhead', 'overhead ÷ cockatiel'] as const;

export function overhead(timing: Timing | undefined, bare: Timing): number {
  if (timing === undefined) return Number.NaN;
  return timing.standalone === true ? timing.ns : timing.ns - bare.ns;
}

export function timedTable(title: string, bare: Timing, timings: readonly Timing[], notes?: string[]): Table {
  const cockatiel = timings.find((t) => t.label.startsWith('cockatiel'));
  const rows = [bare, ...timings].map((t) => [
    t.label,
    formatNs(t.ns),
    t.standalone === true ? '' : formatRatio(t.ns / bare.ns),
    t === bare ? '' : formatNs(overhead(t, bare)),
    t === bare || cockatiel === undefined ? '' : formatRatio(overhead(t, bare) / overhead(cockatiel, bare)),
  ]);
  return { title, header: TIMED_HEADER, rows, ...(notes ? { notes } : {}) };
}
