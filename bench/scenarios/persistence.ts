/**
 * Scenario 10: persistence under an outage. A registry of N tools (all used once, closed) sees
 * 1,000 circuits open from separate timer callbacks spread over one second, and all of them
 * half-open one second later; the event-loop delay is measured over the whole run with
 * `perf_hooks.monitorEventLoopDelay`. Stores: the journal file store, the whole registry as one
 * JSON file with asynchronous I/O, and SQLite (when `BENCH_SQLITE` is set). Then a full
 * compaction of a 100,000-tool journal: wall time and the event-loop delay during it.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BenchConfig } from '../config.js';
import { journalStore, sqliteStore, wholeFileStore, type CountedStore } from '../persistence/stores.js';
import { formatBytes, type ScenarioResult, type Table, type Target } from '../report.js';
import { createRegistry, type PersistedToolState } from '../../src/index.js';
import { createFileStore } from '../../src/node/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The event-loop delay (`monitorEventLoopDelay`), and a probe that cannot be inflated by other
 * processes taking the CPU: the most CPU time this process used between two turns of a 1 ms
 * timer (an upper bound on one synchronous stretch of the main thread; GC helper and I/O
 * threads count too).
 */
function watchLoop(): () => { maxMs: number; p99Ms: number; cpuMs: number } {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let last = process.cpuUsage();
  let cpuMs = 0;
  const probe = setInterval(() => {
    const now = process.cpuUsage();
    cpuMs = Math.max(cpuMs, (now.user - last.user + now.system - last.system) / 1_000);
    last = now;
  }, 1);
  return () => {
    clearInterval(probe);
    histogram.disable();
    return { maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6, cpuMs };
  };
}

interface Run {
  readonly maxMs: number;
  readonly p99Ms: number;
  /** The most CPU time the process used between two turns of a 1 ms probe timer. */
  readonly cpuMs: number;
  readonly writes: number;
  readonly wallMs: number;
}

async function outage(
  tools: number,
  openings: number,
  spreadMs: number,
  counted: CountedStore | null,
): Promise<Run> {
  const registry = createRegistry({
    defaults: { failureThreshold: 1, minBackoffMs: spreadMs, maxBackoffMs: spreadMs, jitter: 0 },
    maxTools: tools * 2,
    ...(counted === null ? {} : { store: counted.store }),
  });
  await registry.ready();
  for (let i = 0; i < tools; i++) registry.tryAcquire(`mcp__server__tool_${i}`)?.success();
  await registry.flush();
  const step = Math.floor(tools / openings);
  const watch = watchLoop();
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let done = 0;
    for (let i = 0; i < openings; i++) {
      setTimeout(
        () => {
          registry.tryAcquire(`mcp__server__tool_${i * step}`)?.failure('network');
          if (++done === openings) resolve();
        },
        (i * spreadMs) / openings,
      );
    }
  });
  await sleep(spreadMs + 100); // every backoff ends: as many half-openings
  await registry.flush();
  const wallMs = performance.now() - start;
  const loop = watch();
  registry.stop();
  await registry.flush();
  return { ...loop, writes: counted?.writes() ?? 0, wallMs };
}

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

/** Each store once per round, rounds interleaved so drifting load hits them alike. */
async function outageRows(tools: number, openings: number, spreadMs: number, rounds: number) {
  const kinds: [string, (path: string) => CountedStore | null | undefined][] = [
    ['no store (the load alone)', () => null],
    ['journal (createFileStore)', journalStore],
    ['whole JSON file, async I/O', wholeFileStore],
    ['SQLite (better-sqlite3, WAL)', sqliteStore],
  ];
  const runs = new Map<string, Run[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, make] of kinds) {
      const folder = mkdtempSync(join(tmpdir(), 'tripstate-bench-'));
      try {
        const counted = make(join(folder, 'store'));
        if (counted === undefined) continue;
        const run = await outage(tools, openings, spreadMs, counted);
        runs.set(name, [...(runs.get(name) ?? []), run]);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    }
  }
  return [...runs].map(([name, list]) => ({
    name,
    writes: median(list.map((r) => r.writes)),
    maxMs: median(list.map((r) => r.maxMs)),
    p99Ms: median(list.map((r) => r.p99Ms)),
    cpuMs: median(list.map((r) => r.cpuMs)),
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
  for (const tools of sizes) {
    for (const row of await outageRows(tools, openings, spreadMs, config.rounds)) {
      rows.push([
        `${tools.toLocaleString('en')} tools: ${row.name}`,
        String(row.writes),
        ms(row.maxMs),
        row.spread,
        ms(row.p99Ms),
        ms(row.cpuMs),
        ms(row.wallMs),
      ]);
      if (row.name.startsWith('journal') && !config.smoke) {
        const limit = tools === 10_000 ? 50 : 10;
        targets.push({
          goal: `${tools.toLocaleString('en')} tools, ${openings} openings over 1 s: event-loop delay max < ${limit} ms`,
          measured: `${ms(row.maxMs)} (longest CPU stretch ${ms(row.cpuMs)})`,
          met: row.maxMs < limit,
        });
      }
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
    bytes: median(compactions.map((r) => r.bytes)),
  };
  if (!config.smoke) {
    targets.push({
      goal: '100,000 tools: full compaction < 1 s wall, event-loop delay max < 10 ms',
      measured: `${ms(compacted.wallMs)} wall, ${ms(compacted.maxMs)} max delay (longest CPU stretch ${ms(compacted.cpuMs)})`,
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
        'wall',
      ],
      rows,
      notes: [
        'every store gathers changes for 25 ms; the journal writes the changed tools, the JSON file all tools, SQLite the changed tools in one synchronous transaction',
        'delay: monitorEventLoopDelay; CPU stretch: the most CPU time used between two turns of a 1 ms probe (not inflated by other processes)',
      ],
    },
    {
      title: `Scenario 10b: full compaction of a ${compactTools.toLocaleString('en')}-tool journal (medians)`,
      header: ['', 'wall', 'max delay', 'p99 delay', 'CPU stretch', 'file'],
      rows: [
        [
          'compaction',
          ms(compacted.wallMs),
          ms(compacted.maxMs),
          ms(compacted.p99Ms),
          ms(compacted.cpuMs),
          formatBytes(compacted.bytes),
        ],
      ],
    },
  ];
  return { tables, targets };
}
