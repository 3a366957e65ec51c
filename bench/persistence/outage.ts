/**
 * Scenario 10's measured run, shared by the scenario and its cold-process child
 * (`cold-outage.ts`): a registry of N tools (each used once, closed) sees `openings` circuits
 * open from separate timer callbacks spread over `spreadMs`, and all of them half-open
 * `spreadMs` later. Measured over that window: the event-loop delay, the longest CPU stretch
 * between two turns of a 1 ms probe, and the most bytes one young-generation collection copied.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { GCProfiler } from 'node:v8';
import { createRegistry, type Registry, type RegistryStore } from '../../src/index.js';
import type { CountedStore } from './stores.js';

/** One measured window. */
export interface Run {
  readonly maxMs: number;
  readonly p99Ms: number;
  /** The most CPU time the process used between two turns of a 1 ms probe timer (every thread). */
  readonly cpuMs: number;
  /** The same for the main thread alone (Linux: its schedstat), NaN elsewhere. */
  readonly mainCpuMs: number;
  /** The most bytes one scavenge copied (survivors kept young plus those promoted): load-independent. */
  readonly copiedBytes: number;
  readonly writes: number;
  readonly wallMs: number;
}

/**
 * `settled`: a full collection (`global.gc()`, the bench runs with `--expose-gc`) after the setup
 * and before the window, so that the setup's 50,000 young tools are not copied by the window's
 * first scavenge; unsettled is how a registry filled a moment before the outage behaves.
 */
export interface OutageConditions {
  readonly settled: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type GCStats = NonNullable<ReturnType<GCProfiler['stop']>>;
type Spaces = GCStats['statistics'][number]['afterGC']['heapSpaceStatistics'];
const YOUNG = ['new_space', 'new_large_object_space'];
const OLD = ['old_space', 'large_object_space'];
const used = (spaces: Spaces, names: readonly string[]) =>
  spaces.reduce((sum, space) => sum + (names.includes(space.spaceName) ? space.spaceUsedSize : 0), 0);

/** The most bytes one scavenge copied: what it left young plus what old space grew by. */
function largestScavengeCopy(stats: GCStats | undefined): number {
  let largest = 0;
  for (const gc of stats?.statistics ?? []) {
    if (gc.gcType !== 'Scavenge') continue;
    const before = gc.beforeGC.heapSpaceStatistics;
    const after = gc.afterGC.heapSpaceStatistics;
    const promoted = Math.max(0, used(after, OLD) - used(before, OLD));
    largest = Math.max(largest, used(after, YOUNG) + promoted);
  }
  return largest;
}

/**
 * The main thread's CPU time in milliseconds, from Linux's `/proc/self/task/<pid>/schedstat`
 * (nanoseconds on the CPU, a 2 µs read of an open file); undefined elsewhere. Unlike
 * `process.cpuUsage()` it leaves out the collector's helper threads and libuv's pool, and unlike
 * wall time it leaves out the time other processes hold the CPU: the closest a loaded machine
 * gets to the stall an idle one would show.
 */
export function mainThreadClock(): { read: () => number; close: () => void } | undefined {
  let fd: number;
  try {
    fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(64);
  return {
    read: () => {
      const text = buffer.toString('latin1', 0, readSync(fd, buffer, 0, 64, 0));
      return Number(text.slice(0, text.indexOf(' '))) / 1e6;
    },
    close: () => closeSync(fd),
  };
}

/**
 * The event-loop delay (`monitorEventLoopDelay`), a probe that cannot be inflated by other
 * processes taking the CPU (the most CPU time this process used between two turns of a 1 ms
 * timer: an upper bound on one synchronous stretch of the main thread; GC helper and I/O threads
 * count too) and the same for the main thread alone, and what the scavenges copied.
 */
export function watchLoop(): () => Omit<Run, 'writes' | 'wallMs'> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const gc = new GCProfiler();
  gc.start();
  const main = mainThreadClock();
  let last = process.cpuUsage();
  let lastMain = main?.read() ?? 0;
  let cpuMs = 0;
  let mainCpuMs = main === undefined ? Number.NaN : 0;
  const probe = setInterval(() => {
    const now = process.cpuUsage();
    cpuMs = Math.max(cpuMs, (now.user - last.user + now.system - last.system) / 1_000);
    last = now;
    if (main === undefined) return;
    const nowMain = main.read();
    mainCpuMs = Math.max(mainCpuMs, nowMain - lastMain);
    lastMain = nowMain;
  }, 1);
  return () => {
    clearInterval(probe);
    main?.close();
    histogram.disable();
    const copiedBytes = largestScavengeCopy(gc.stop());
    const delay = { maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6 };
    return { ...delay, cpuMs, mainCpuMs, copiedBytes };
  };
}

/** A full collection, when the process was started with `--expose-gc`. */
export function settleHeap(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the persistence benchmark needs node --expose-gc');
  gc();
}

/**
 * The registry of an outage: `tools` tools, each used once, opening at their first failure and
 * half-opening `spreadMs` later (with `store`, if given), ready and flushed.
 */
export async function outageRegistry(
  tools: number,
  spreadMs: number,
  store?: RegistryStore,
): Promise<Registry> {
  const registry = createRegistry({
    defaults: { failureThreshold: 1, minBackoffMs: spreadMs, maxBackoffMs: spreadMs, jitter: 0 },
    maxTools: tools * 2,
    ...(store === undefined ? {} : { store }),
  });
  await registry.ready();
  for (let i = 0; i < tools; i++) registry.tryAcquire(`mcp__server__tool_${i}`)?.success();
  await registry.flush();
  return registry;
}

/**
 * Opens `openings` of the registry's `tools` circuits (spread evenly over the names) from
 * separate timer callbacks spread over `spreadMs`; resolves once all have opened. `opened` is
 * told each one's index and when its callback began.
 */
export function openSpread(
  registry: Registry,
  tools: number,
  openings: number,
  spreadMs: number,
  opened?: (index: number, at: number) => void,
): Promise<void> {
  const step = Math.max(1, Math.floor(tools / openings));
  const count = Math.min(openings, tools);
  return new Promise<void>((resolve) => {
    let done = 0;
    for (let i = 0; i < count; i++) {
      setTimeout(
        () => {
          const at = performance.now();
          registry.tryAcquire(`mcp__server__tool_${i * step}`)?.failure('network');
          opened?.(i, at);
          if (++done === count) resolve();
        },
        (i * spreadMs) / count,
      );
    }
  });
}

export async function outage(
  tools: number,
  openings: number,
  spreadMs: number,
  counted: CountedStore | null,
  conditions: OutageConditions,
): Promise<Run> {
  const registry = await outageRegistry(tools, spreadMs, counted?.store);
  if (conditions.settled) settleHeap();
  const watch = watchLoop();
  const start = performance.now();
  await openSpread(registry, tools, openings, spreadMs);
  await sleep(spreadMs + 100); // every backoff ends: as many half-openings
  await registry.flush();
  const wallMs = performance.now() - start;
  const loop = watch();
  registry.stop();
  await registry.flush();
  return { ...loop, writes: counted?.writes() ?? 0, wallMs };
}

/**
 * The code an opening runs, compiled before anything is measured: one circuit opened, half-opened
 * and closed in a registry of its own (with a journal store when `counted` is given). The first
 * opening of a process compiles that code (V8's lazy compilation), a one-time cost of the process.
 */
export async function warmUp(counted: CountedStore | null): Promise<void> {
  const registry = createRegistry({
    defaults: { failureThreshold: 1, minBackoffMs: 5, maxBackoffMs: 5, jitter: 0 },
    ...(counted === null ? {} : { store: counted.store }),
  });
  await registry.ready();
  registry.tryAcquire('warm-up')?.failure('network');
  await sleep(20);
  registry.tryAcquire('warm-up')?.success();
  await registry.flush();
  registry.stop();
  await registry.flush();
}
