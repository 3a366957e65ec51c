/**
 * Scenario 8: a registry through an outage. (a) 100,000 tools never seen before, each with one
 * counted failure, at the default options (so none can be evicted past `maxTools`: every one is
 * failing); (b) 20,000 circuits opening at once, then `stop()`; the same then `resetAll()`; the
 * same then `reset(tool)` one tool at a time. Whole operations are timed once each (they are
 * seconds long before the fix, milliseconds after); heap is measured after a full collection.
 */
import { createActor, type AnyActorRef } from 'xstate';
import { breakerMachine, initialBreakerContext } from '../../machines/breaker.machine.js';
import type { BenchConfig } from '../config.js';
import { HOUR_MS } from '../contenders.js';
import { createRegistry, type Registry } from '../../src/index.js';
import { unrefClock } from '../../src/clock.js';
import { resolveBreakerOptions } from '../../src/options.js';
import { indexScheduler } from '../../src/registry/scheduler-index.js';
import { formatBytes, formatNs, type ScenarioResult, type Target } from '../report.js';
import { heapUsed, nowNs } from '../stats.js';

const openOptions = { failureThreshold: 1, minBackoffMs: HOUR_MS, maxBackoffMs: HOUR_MS };

/** CPU time of the process (every thread, the garbage collector's too) for each timed operation. */
const cpu: number[] = [];

/** Wall time of `fn` in ns; its CPU time is pushed to `cpu` (on a loaded machine, the steadier figure). */
function timed(fn: () => void): number {
  const cpuBefore = process.cpuUsage();
  const start = nowNs();
  fn();
  const ns = nowNs() - start;
  const { user, system } = process.cpuUsage(cpuBefore);
  cpu.push((user + system) * 1000);
  return ns;
}

/** The CPU time of the last operation timed, per item. */
const lastCpu = (n: number): string => `cpu ${formatNs((cpu.at(-1) ?? 0) / n)} each`;

/** Heap per item, after a full collection. */
const perHeap = (bytes: number, n: number): string => `heap ${(bytes / n / 1024).toFixed(1)} KiB each`;

function openAll(registry: Registry, tools: readonly string[]): void {
  for (const tool of tools) registry.tryAcquire(tool)?.failure('network');
}

/** (a): new tools that each count one failure, at the default options; the registry is garbage after. */
function newTools(count: number): { addNs: number; heap: number; warnings: number } {
  const before = heapUsed();
  const registry = createRegistry();
  let warnings = 0;
  registry.on('warning', () => warnings++);
  const names = Array.from({ length: count }, (_, i) => `hallucinated_tool_${i}`);
  const addNs = timed(() => {
    for (const tool of names) registry.tryAcquire(tool)?.failure('execution_error');
  });
  const heap = heapUsed() - before;
  registry.stop();
  return { addNs, heap, warnings };
}

/** (b): `circuits` circuits opening, then `end` run on the registry: its time. */
function openThen(
  tools: readonly string[],
  end: (registry: Registry) => void,
): { openNs: number; endNs: number; openCpu: string; endCpu: number } {
  const heapBefore = heapUsed();
  const registry = createRegistry({ defaults: openOptions, maxTools: 2 * tools.length });
  const openNs = timed(() => openAll(registry, tools));
  const openCpu = `${lastCpu(tools.length)}, ${perHeap(heapUsed() - heapBefore, tools.length)}`;
  const endNs = timed(() => end(registry));
  const endCpu = cpu.at(-1) ?? 0;
  registry.stop();
  return { openNs, endNs, openCpu, endCpu };
}

/**
 * The floor under (b): XState alone, no registry. For each circuit, a breaker actor created and
 * started in one actor system (as a registry does) and sent the failure that opens it; or, with
 * `inInput`, started with that failure in its input (`start.outcome`), as a waking breaker is.
 */
function bareOpening(count: number, inInput = false): { ns: number; cpu: string } {
  const { config } = resolveBreakerOptions(openOptions);
  const heapBefore = heapUsed();
  const root = createActor(breakerMachine, { input: { config }, clock: unrefClock });
  indexScheduler(root.system);
  const actors: AnyActorRef[] = [];
  const at = Date.now();
  const closed = { ...initialBreakerContext(config), generation: 1 };
  const ns = timed(() => {
    for (let i = 0; i < count; i++) {
      const failure = { type: 'call.failed', generation: 1, category: 'network', at } as const;
      const start = { value: 'closed', context: closed, at, outcome: failure } as const;
      const input = inInput ? { config, start } : { config };
      const actor = createActor(breakerMachine, { input, parent: root, id: `t${i}` }).start();
      if (!inInput) actor.send(failure);
      actors.push(actor);
    }
  });
  const cpuEach = `${lastCpu(count)}, ${perHeap(heapUsed() - heapBefore, count)}`;
  for (const actor of actors) actor.send({ type: 'breaker.reset', at }); // cancels the backoff timers
  return { ns, cpu: cpuEach };
}

export function outage(config: BenchConfig): Promise<ScenarioResult> {
  const circuits = config.smoke ? 1_000 : 20_000;
  const resets = Math.min(1_000, circuits);
  const added = config.smoke ? 5_000 : 100_000;
  const { addNs, heap, warnings } = newTools(added);
  const tools = Array.from({ length: circuits }, (_, i) => `mcp__down__tool_${i}`);
  const { openNs, endNs: stopNs, openCpu, endCpu: stopCpu } = openThen(tools, (registry) => registry.stop());
  const {
    openNs: secondOpenNs,
    endNs: resetAllNs,
    endCpu: resetAllCpu,
  } = openThen(tools, (registry) => registry.resetAll());
  const {
    openNs: thirdOpenNs,
    endNs: resetNs,
    endCpu: resetCpu,
  } = openThen(tools, (registry) => {
    for (let i = 0; i < resets; i++) registry.reset(tools[i]!);
  });
  const bare = bareOpening(circuits); // last: as warm as the registry's runs
  const bareInInput = bareOpening(circuits, true);

  const per = (ns: number, n: number): string => `${formatNs(ns)} (${formatNs(ns / n)} each)`;
  const targets: Target[] = config.smoke
    ? []
    : [
        {
          goal: '8a. 100,000 new tools, one counted failure each: < 2 s, < 300 MB',
          measured: `${formatNs(addNs)}, ${formatBytes(heap)}`,
          met: addNs < 2e9 && heap < 300 * 1_048_576,
        },
        { goal: '8b. 20,000 circuits opening at once: < 1 s', measured: formatNs(openNs), met: openNs < 1e9 },
        { goal: '8b. then stop(): < 1 s', measured: formatNs(stopNs), met: stopNs < 1e9 },
        { goal: '8b. then resetAll(): < 1 s', measured: formatNs(resetAllNs), met: resetAllNs < 1e9 },
        {
          goal: '8b. reset(tool) with 20,000 open: < 50 µs',
          measured: formatNs(resetNs / resets),
          met: resetNs / resets < 50_000,
        },
      ];
  return Promise.resolve({
    tables: [
      {
        title: '8. A registry through an outage',
        header: ['operation', 'time', 'notes'],
        rows: [
          [
            `${added} new tools, 1 counted failure each`,
            per(addNs, added),
            `heap +${formatBytes(heap)}, ${warnings} warning(s)`,
          ],
          [`${circuits} circuits opening`, per(openNs, circuits), openCpu],
          [
            `  the same, second and third time`,
            `${formatNs(secondOpenNs)}, ${formatNs(thirdOpenNs)}`,
            'in the same process (its code compiled, its heap grown): not the judged figure',
          ],
          [
            `  XState alone: ${circuits} actors started, opened`,
            per(bare.ns, circuits),
            `the floor: no registry; ${bare.cpu}`,
          ],
          [
            `  XState alone: ${circuits} actors started open`,
            per(bareInInput.ns, circuits),
            `the failure in the input (start.outcome); ${bareInInput.cpu}`,
          ],
          [`stop() with ${circuits} open`, formatNs(stopNs), `cpu ${formatNs(stopCpu)}`],
          [`resetAll() with ${circuits} open`, formatNs(resetAllNs), `cpu ${formatNs(resetAllCpu)}`],
          [
            `reset(tool) with ${circuits} open`,
            per(resetNs, resets),
            `${resets} one by one; cpu ${formatNs(resetCpu / resets)} each`,
          ],
        ],
        notes: ['each operation is timed once: a trend across runs, not a distribution'],
      },
    ],
    targets,
  });
}
