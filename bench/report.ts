/** What a scenario hands back: tables to print and targets it checked. */

export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly notes?: readonly string[];
}

/** A goal from the issues, judged on figures of this run. Reported, never asserted. */
export interface Target {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface ScenarioResult {
  readonly tables: readonly Table[];
  readonly targets: readonly Target[];
}

/** A duration given in nanoseconds, in a readable unit. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  if (Math.abs(ns) < 1_000) return `${ns.toFixed(0)} ns`;
  if (Math.abs(ns) < 1_000_000) return `${(ns / 1_000).toFixed(2)} µs`;
  if (Math.abs(ns) < 1_000_000_000) return `${(ns / 1_000_000).toFixed(2)} ms`;
  return `${(ns / 1_000_000_000).toFixed(2)} s`;
}

export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < 10_240) return `${bytes.toFixed(0)} B`;
  if (Math.abs(bytes) < 1_048_576) return `${(bytes / 1_024).toFixed(1)} KiB`;
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a';
}

/** Aligned plain-text columns; the first column left-aligned, the others right-aligned. */
export function renderTable(table: Table): string {
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const notes = (table.notes ?? []).map((note) => `  note: ${note}`);
  return [table.title, line(table.header), rule, ...table.rows.map(line), ...notes].join('\n');
}

export function renderTargets(targets: readonly Target[]): string {
  const rows = targets.map((t) => [t.met ? 'met' : 'MISSED', t.goal, t.measured]);
  return renderTable({ title: 'Targets (this run)', header: ['', 'goal', 'measured'], rows });
}
