/**
 * Scenario 10: persistence under an outage. A registry of N tools (all used once, closed) sees
 * 1,000 circuits open from separate timer callbacks spread over one second, and all of them
 * half-open one second later; the event-loop delay is measured over the whole run with
 * `perf_hooks.monitorEventLoopDelay`. Stores: the journal file store, the whole registry as one
 * JSON file with asynchronous I/O, and SQLite (when `BENCH_SQLITE` is set). Then a full
 * compaction of a 100,000-tool journal: wall time and the event-loop delay during it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from '../config.js';
import { outage, warmUp, watchLoop, type OutageConditions, type Run } from '../persistence/outage.js';
import { journalStore, sqliteStore, wholeFileStore, type CountedStore } from '../persistence/stores.js';
import { formatBytes, type ScenarioResult, type Table, type Target } from '../report.js';
import type { PersistedToolState } from '../../src/index.js';
import { createFileStore } from '../../src/node/index.js';

const openState = (now: number): PersistedToolState => ({
  value: { open: 'cooling' },
  context: {
    generation: 2,
    failureCount: 1,
    currentBackoffMs: 60_000,
    retryAt: now + 60_000,
    openedAt: now,
    openCount: 1,
    halfOpenCount: 0,
    deniedRequests: 0,
    lastDeniedAt: null,
    lastErrorCategory: 'network',
    lastErrorAt: null,
    probesInFlight: 0,
    probeStartedAt: null,
    window: null,
    probeResults: 0,
    probeFailures: 0,
    probeSlowCalls: 0,
    idleSince: null,
  },
});

/** A journal of `tools` live records and as many stale lines; one more write compacts it. */
async function compaction(folder: string, tools: number): Promise<Run & { bytes: number }> {
  const path = join(folder, 'compaction.journal');
  const store = createFileStore(path);
  const context = { warn: (message: string) => console.warn(message) };
  store.load(context);
  const names = Array.from({ length: tools }, (_, i) => `mcp__server__tool_${i}`);
  const batch = { cleared: false, tools: names.map((name) => [name, openState(Date.now())] as const) };
  await store.write?.(batch, context); // creates the journal
  await store.write?.(batch, context); // appended twice: now three times its live size
  await store.write?.(batch, context);
  const watch = watchLoop();
  const start = performance.now();
  await store.write?.({ cleared: false, tools: [['one-more', openState(Date.now())]] }, context);
  const wallMs = performance.now() - start;
  const loop = watch();
  await store.close?.();
  return { ...loop, writes: 1, wallMs, bytes: statSync(path).size };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

const SETTLED: OutageConditions = { settled: true };
const UNSETTLED: OutageConditions = { settled: false };
const COLD_ENTRY = fileURLToPath(new URL('../persistence/cold-outage.ts', import.meta.url));
/** The row the targets are judged on. */
const JUDGED = 'journal (createFileStore)';
const UNSETTLED_JOURNAL = 'journal, setup not settled';
const COLD_JOURNAL = 'journal, cold process';

/** The journal in a process of its own: no warm-up, setup not settled (`cold-outage.ts`). */
function coldRun(tools: number, openings: number, spreadMs: number): Run {
  const args = [...process.execArgv, COLD_ENTRY, String(tools), String(openings), String(spreadMs)];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !last.startsWith('{')) {
    throw new Error(`persistence: the cold run failed (${child.status ?? child.signal}): ${child.stderr}`);
  }
  return JSON.parse(last) as Run;
}

/**
 * Each kind once per round, rounds interleaved so drifting load hits them alike. In-process runs
 * follow a warm-up; settled ones start after a full collection (see `OutageConditions`).
 */
async function outageRows(tools: number, openings: number, spreadMs: number, rounds: number) {
  const kinds: [string, (path: string) => CountedStore | null | undefined, OutageConditions][] = [
    ['no store (the load alone)', () => null, SETTLED],
    [JUDGED, journalStore, SETTLED],
    ['whole JSON file, async I/O', wholeFileStore, SETTLED],
    ['SQLite (better-sqlite3, WAL)', sqliteStore, SETTLED],
    ['no store, setup not settled', () => null, UNSETTLED],
    [UNSETTLED_JOURNAL, journalStore, UNSETTLED],
  ];
  const runs = new Map<string, Run[]>();
  const add = (name: string, run: Run) => runs.set(name, [...(runs.get(name) ?? []), run]);
  for (let round = 0; round < rounds; round++) {
    for (const [name, make, conditions] of kinds) {
      const folder = mkdtempSync(join(tmpdir(), 'tripstate-bench-'));
      try {
        const counted = make(join(folder, 'store'));
        if (counted === undefined) continue;
        add(name, await outage(tools, openings, spreadMs, counted, conditions));
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    }
    add(COLD_JOURNAL, coldRun(tools, openings, spreadMs));
  }
  return [...runs].map(([name, list]) => ({
    name,
    writes: median(list.map((r) => r.writes)),
    maxMs: median(list.map((r) => r.maxMs)),
    p99Ms: median(list.map((r) => r.p99Ms)),
    cpuMs: median(list.map((r) => r.cpuMs)),
    mainCpuMs: median(list.map((r) => r.mainCpuMs)),
    copiedBytes: median(list.map((r) => r.copiedBytes)),
    wallMs: median(list.map((r) => r.wallMs)),
    spread: `${ms(Math.min(...list.map((r) => r.maxMs)))}–${ms(Math.max(...list.map((r) => r.maxMs)))}`,
  }));
}

export async function persistenceScenario(config: BenchConfig): Promise<ScenarioResult> {
  const sizes = config.smoke ? [1_000] : [10_000, 50_000];
  const openings = config.smoke ? 100 : 1_000;
  const spreadMs = config.smoke ? 200 : 1_000;
  const rows: string[][] = [];
  const targets: Target[] = [];
  const warmFolder = mkdtempSync(join(tmpdir(), 'tripstate-bench-'));
  try {
    await warmUp(journalStore(join(warmFolder, 'store')));
  } finally {
    rmSync(warmFolder, { recursive: true, force: true });
  }
  for (const tools of sizes) {
    const measured = await outageRows(tools, openings, spreadMs, config.rounds);
    for (const row of measured) {
      rows.push([
        `${tools.toLocaleString('en')} tools: ${row.name}`,
        String(row.writes),
        ms(row.maxMs),
        row.spread,
        ms(row.p99Ms),
        ms(row.cpuMs),
        ms(row.mainCpuMs),
        formatBytes(row.copiedBytes),
        ms(row.wallMs),
      ]);
    }
    const judged = measured.find((row) => row.name === JUDGED);
    if (judged !== undefined && !config.smoke) {
      const limit = tools === 10_000 ? 50 : 10;
      const other = (name: string) => {
        const row = measured.find((r) => r.name === name);
        return row === undefined ? 'n/a' : ms(row.maxMs);
      };
      targets.push({
        goal: `${tools.toLocaleString('en')} tools, ${openings} openings over 1 s: event-loop delay max < ${limit} ms`,
        measured: `${ms(judged.maxMs)} (longest CPU stretch ${ms(judged.cpuMs)}, main thread ${ms(judged.mainCpuMs)}); setup not settled ${other(UNSETTLED_JOURNAL)}, cold process ${other(COLD_JOURNAL)}`,
        met: judged.maxMs < limit,
      });
    }
  }
  const compactTools = config.smoke ? 10_000 : 100_000;
  const compactions: (Run & { bytes: number })[] = [];
  for (let round = 0; round < config.rounds; round++) {
    const folder = mkdtempSync(join(tmpdir(), 'tripstate-bench-'));
    try {
      compactions.push(await compaction(folder, compactTools));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  const compacted = {
    wallMs: median(compactions.map((r) => r.wallMs)),
    maxMs: median(compactions.map((r) => r.maxMs)),
    p99Ms: median(compactions.map((r) => r.p99Ms)),
    cpuMs: median(compactions.map((r) => r.cpuMs)),
    mainCpuMs: median(compactions.map((r) => r.mainCpuMs)),
    bytes: median(compactions.map((r) => r.bytes)),
  };
  if (!config.smoke) {
    targets.push({
      goal: '100,000 tools: full compaction < 1 s wall, event-loop delay max < 10 ms',
      measured: `${ms(compacted.wallMs)} wall, ${ms(compacted.maxMs)} max delay (longest CPU stretch ${ms(compacted.cpuMs)}, main thread ${ms(compacted.mainCpuMs)})`,
      met: compacted.wallMs < 1_000 && compacted.maxMs < 10,
    });
  }
  const tables: Table[] = [
    {
      title: `Scenario 10: ${openings} circuits opening over ${spreadMs} ms, then half-opening (medians of ${config.rounds} interleaved rounds)`,
      header: [
        'registry and store',
        'writes',
        'max delay',
        'max: spread',
        'p99 delay',
        'CPU stretch',
        'main thread',
        'GC copy',
        'wall',
      ],
      rows,
      notes: [
        'every store gathers changes for 25 ms; the journal writes the changed tools, the JSON file all tools, SQLite the changed tools in one synchronous transaction',
        "delay: monitorEventLoopDelay; CPU stretch: the most CPU time used between two turns of a 1 ms probe (not inflated by other processes, but counting the collector's helper threads and the I/O pool); main thread: the same for the main thread alone (Linux schedstat), the closest figure to an idle machine's stall; GC copy: the most bytes one young-generation collection copied (survivors plus promoted: a scavenge pause grows with it, load-independent)",
        'after a warm-up (one circuit opened, half-opened and closed in a registry of its own); "settled": a full collection (global.gc()) between the setup and the outage, so that the setup\'s tools, still young, are not copied by the outage\'s first scavenge. "not settled" rows skip it; the "cold process" row runs in a new process with neither (the first opening compiles the code), as an agent that starts and meets an outage at once',
      ],
    },
    {
      title: `Scenario 10b: full compaction of a ${compactTools.toLocaleString('en')}-tool journal (medians)`,
      header: ['', 'wall', 'max delay', 'p99 delay', 'CPU stretch', 'main thread', 'file'],
      rows: [
        [
          'compaction',
          ms(compacted.wallMs),
          ms(compacted.maxMs),
          ms(compacted.p99Ms),
          ms(compacted.cpuMs),
          ms(compacted.mainCpuMs),
          formatBytes(compacted.bytes),
        ],
      ],
    },
  ];
  return { tables, targets };
}
