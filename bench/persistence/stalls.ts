/**
 * Attribution of event-loop stalls in scenario 10's 50,000-tool outage (docs/persistence.md,
 * "Where a stall goes"). One run; prints every stretch of the 1 ms probe over `--over` ms with
 * what overlapped it: V8 collections (from `PerformanceObserver` 'gc' entries, with the heap they
 * left), the store's writes (wrapped: when each ran on the main thread), and the openings.
 *
 *   node --expose-gc --import tsx bench/persistence/stalls.ts [--tools 50000] [--store journal|none]
 *        [--settle] [--warm] [--over 5]
 *
 * `--settle`: `global.gc()` after the setup, before the measured window. `--warm`: one circuit
 * opened and half-opened in a separate registry first (the JIT's one-time cost). `--profile`: a
 * CPU profile of the measured window (node:inspector, 200 µs sampling; it adds its own cost), and
 * each stall's samples by function (`(garbage collector)`, `(program)`: V8 outside JavaScript,
 * compilation included).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { GCProfiler } from 'node:v8';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PerformanceObserver,
  constants,
  monitorEventLoopDelay,
  type PerformanceEntry,
} from 'node:perf_hooks';
import type { RegistryStore } from '../../src/index.js';
import { createFileStore } from '../../src/node/index.js';
import { mainThreadClock, openSpread, outageRegistry } from './outage.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at < 0 ? fallback : (args[at + 1] ?? fallback);
};
const tools = Number(value('tools', '50000'));
const storeKind = value('store', 'journal');
const overMs = Number(value('over', '5'));
const openings = 1_000;
const spreadMs = 1_000;

interface Span {
  readonly kind: string;
  readonly start: number;
  readonly end: number;
  readonly note: string;
}
const spans: Span[] = [];
const mark = (kind: string, start: number, note = '') =>
  spans.push({ kind, start, end: performance.now(), note });

const gcKinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental-marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
};
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
    const kind = gcKinds[entry.detail?.kind ?? 0] ?? 'gc';
    spans.push({
      kind: `gc.${kind}`,
      start: entry.startTime,
      end: entry.startTime + entry.duration,
      note: '',
    });
  }
});

/** The store, each call of its write() marked (the work after its first await shows in the profile, under persistence and store). */
function traced(store: RegistryStore): RegistryStore {
  const write = store.write?.bind(store);
  return {
    load: (context) => store.load(context),
    ...(write && {
      write: (changes, context) => {
        const start = performance.now();
        const result = write(changes, context);
        mark('store write called', start, `${changes.tools.length} tools`);
        return result;
      },
    }),
    close: () => store.close?.(),
    ...(store.writeDelayMs === undefined ? {} : { writeDelayMs: store.writeDelayMs }),
  };
}

async function outage(label: string, size: number, store: RegistryStore | undefined, measure: boolean) {
  const registry = await outageRegistry(size, spreadMs, store);
  if (measure) registry.on('halfOpened', () => mark('half-opening', performance.now()));
  if (measure && flag('settle')) (globalThis as { gc?: () => void }).gc?.();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const probes: { at: number; wall: number; cpu: number; main: number; hr: bigint }[] = [];
  const mainClock = mainThreadClock();
  let lastAt = performance.now();
  let lastCpu = process.cpuUsage();
  let lastMain = mainClock?.read() ?? 0;
  const probe = setInterval(() => {
    const at = performance.now();
    const cpu = process.cpuUsage();
    const main = mainClock?.read() ?? Number.NaN;
    const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1_000;
    if (at - lastAt > overMs)
      probes.push({
        at: lastAt,
        wall: at - lastAt,
        cpu: cpuMs,
        main: main - lastMain,
        hr: process.hrtime.bigint(),
      });
    lastAt = at;
    lastCpu = cpu;
    lastMain = main;
  }, 1);
  const session = measure && flag('profile') ? new Session() : undefined;
  if (session !== undefined) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  }
  const gcProfiler = measure ? new GCProfiler() : undefined;
  gcProfiler?.start();
  if (measure) {
    histogram.enable();
    gcObserver.observe({ entryTypes: ['gc'] });
  }
  const start = performance.now();
  await openSpread(registry, size, openings, spreadMs, (i, at) =>
    mark(i === 0 ? 'first opening' : 'opening', at),
  );
  await new Promise((resolve) => setTimeout(resolve, spreadMs + 100));
  await registry.flush();
  clearInterval(probe);
  mainClock?.close();
  histogram.disable();
  gcObserver.disconnect();
  const gcStats = gcProfiler?.stop();
  const profiled =
    session === undefined
      ? undefined
      : ((await session.post('Profiler.stop')) as { profile: Profile }).profile;
  session?.disconnect();
  const wall = performance.now() - start;
  registry.stop();
  await registry.flush();
  if (!measure) return;
  await new Promise((resolve) => setImmediate(resolve)); // the observer's last entries
  console.log(
    `${label}: ${size} tools, store ${storeKind}, settle ${flag('settle')}, warm ${flag('warm')}: ` +
      `max delay ${(histogram.max / 1e6).toFixed(1)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms, wall ${wall.toFixed(0)} ms`,
  );
  const profile = profiled === undefined ? undefined : samplesIn(profiled);
  const gcs = spans.filter((s) => s.kind.startsWith('gc.') && s.start >= start);
  const byKind = new Map<string, number[]>();
  for (const gc of gcs) byKind.set(gc.kind, [...(byKind.get(gc.kind) ?? []), gc.end - gc.start]);
  for (const [kind, list] of byKind) {
    const sorted = list.sort((a, b) => b - a);
    console.log(
      `  ${kind}: ${list.length}, total ${list.reduce((a, b) => a + b, 0).toFixed(1)} ms, longest ${sorted
        .slice(0, 5)
        .map((d) => d.toFixed(1))
        .join(', ')} ms`,
    );
  }
  if (gcStats !== undefined) console.log(`  ${scavengeSummary(gcStats)}`);
  for (const stall of probes.filter((p) => p.at >= start)) {
    const from = stall.at;
    const to = stall.at + stall.wall;
    const overlap = new Map<string, { ms: number; n: number; notes: string[] }>();
    for (const s of spans) {
      if (s.end <= from || s.start >= to) continue;
      const key = s.kind;
      const o = overlap.get(key) ?? { ms: 0, n: 0, notes: [] };
      o.ms += Math.min(s.end, to) - Math.max(s.start, from);
      o.n++;
      if (s.note) o.notes.push(s.note);
      overlap.set(key, o);
    }
    const summary = [...overlap]
      .map(
        ([k, o]) => `${o.n}× ${k} ${o.ms.toFixed(1)} ms${o.notes.length ? ` (${o.notes.join(', ')})` : ''}`,
      )
      .join('; ');
    console.log(
      `  stall at ${(from - start).toFixed(0)} ms: ${stall.wall.toFixed(1)} ms wall, ${stall.cpu.toFixed(1)} ms CPU, ${stall.main.toFixed(1)} ms main thread: ${summary}`,
    );
    if (profile) console.log(`      profile: ${profile(stall.hr, stall.wall)}`);
  }
  if (profile) console.log(`  all stalls over ${overMs} ms: ${shares(stallSamples)}`);
}

type GCStats = NonNullable<ReturnType<GCProfiler['stop']>>;
type SpaceStats = GCStats['statistics'][number]['beforeGC']['heapSpaceStatistics'];

const used = (spaces: SpaceStats, ...names: string[]) =>
  spaces.filter((s) => names.includes(s.spaceName)).reduce((sum, s) => sum + s.spaceUsedSize, 0);

/**
 * What the scavenges copied (load-independent, unlike their pauses): the young objects that
 * survived (left in new space) plus those promoted (old space grew by), per scavenge; and the
 * bytes allocated in new space over the window.
 */
function scavengeSummary(stats: GCStats): string {
  const MiB = 1024 * 1024;
  const copied: number[] = [];
  let allocated = 0;
  let lastAfter = 0;
  for (const gc of stats.statistics) {
    const before = gc.beforeGC.heapSpaceStatistics;
    const after = gc.afterGC.heapSpaceStatistics;
    const young = ['new_space', 'new_large_object_space'];
    allocated += Math.max(0, used(before, ...young) - lastAfter);
    lastAfter = used(after, ...young);
    if (gc.gcType !== 'Scavenge') continue;
    const promoted =
      used(after, 'old_space', 'large_object_space') - used(before, 'old_space', 'large_object_space');
    copied.push(used(after, ...young) + Math.max(0, promoted));
  }
  const max = Math.max(0, ...copied) / MiB;
  const total = copied.reduce((a, b) => a + b, 0) / MiB;
  return `${copied.length} scavenges copied ${total.toFixed(1)} MiB (largest ${max.toFixed(2)} MiB: ${copied.map((c) => (c / MiB).toFixed(1)).join(' ')}); ${(allocated / MiB).toFixed(0)} MiB allocated`;
}

interface Profile {
  readonly nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  readonly startTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** Samples of every stall printed, by what they ran. */
const stallSamples = new Map<string, number>();

/** Shares of samples by category, largest first. */
const shares = (counts: Map<string, number>): string => {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  return `${total} samples: ${sorted.map(([n, c]) => `${n} ${Math.round((100 * c) / total)} %`).join(', ')}`;
};

/** What a sample's function belongs to. */
function category(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'V8 (compiling, runtime)';
  if (name === '(idle)') return 'idle';
  if (/registry-persistence|time-slices|\/node\/|registry-snapshot/.test(url)) return 'persistence and store';
  if (url.includes('xstate')) return 'XState';
  if (/\/(src|machines)\//.test(url)) return 'tripstate runtime';
  if (url.includes('/bench/')) return 'benchmark';
  return 'node (timers, fs)';
}

/** A profile's samples in a window ending at `hrEnd` (µs of the same monotonic clock), by what they ran. */
function samplesIn(prof: Profile): (hrEnd: bigint, wallMs: number) => string {
  const categories = new Map(
    prof.nodes.map((n) => [n.id, category(n.callFrame.url, n.callFrame.functionName)]),
  );
  return (hrEnd, wallMs) => {
    const endUs = Number(hrEnd / 1000n);
    const startUs = endUs - wallMs * 1_000;
    let t = prof.startTime;
    const counts = new Map<string, number>();
    let total = 0;
    prof.samples.forEach((id, i) => {
      t += prof.timeDeltas[i] ?? 0;
      if (t < startUs || t > endUs) return;
      const name = categories.get(id) ?? '?';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      stallSamples.set(name, (stallSamples.get(name) ?? 0) + 1);
      total++;
    });
    return total === 0 ? 'no samples' : shares(counts);
  };
}

const folder = mkdtempSync(join(tmpdir(), 'tripstate-stalls-'));
try {
  if (flag('warm')) await outage('warm-up', 1, undefined, false);
  const store = storeKind === 'journal' ? traced(createFileStore(join(folder, 'store.journal'))) : undefined;
  await outage('measured', tools, store, true);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
