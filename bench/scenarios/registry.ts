/**
 * Scenario 5: a registry of 10, 1,000 and 100,000 tools. Per size: registering that many distinct
 * tools that each record one failure (time and heap per tool: the issue-3 target at 100,000), a
 * failure recorded on a tool not seen before, and a call to a closed tool: on one tool (against a
 * bare breaker) and rotating over all tools, through the registry and on the same breakers held in
 * an array and behind a plain Map, against one `Map.get` alone (what the registry adds to a call).
 */
import { do_not_optimize } from 'mitata';
import type { BenchConfig } from '../config.js';
import { HOUR_MS, tripstateBreaker } from '../contenders.js';
import { createRegistry, type Registry } from '../../src/index.js';
import { formatBytes, formatNs, type ScenarioResult, type Target } from '../report.js';
import { heapUsed, median, medianNs, nowNs } from '../stats.js';
import { succeed } from '../workload.js';

const defaults = { failureThreshold: 5, minBackoffMs: HOUR_MS, maxBackoffMs: HOUR_MS };
const MAX_TOOLS = 200_000;
const TARGET_TOOLS = 100_000;
const BATCH = 100;

function recordFailure(registry: Registry, tool: string): void {
  const permit = registry.tryAcquire(tool);
  if (permit === undefined) throw new Error(`scenario 5: ${tool} was not admitted`);
  permit.failure('execution_error');
}

interface SizeResult {
  readonly scale: string[];
  readonly call: string[];
  readonly lookup: { readonly size: number } & Rotating;
  readonly target?: Target;
}

/** Rotating calls over all tools (medians over interleaved rounds). */
interface Rotating {
  readonly registryNs: number;
  /** The registry's own breakers, held in an array: the call without any lookup. */
  readonly arrayNs: number;
  /** One `Map.get` alone, over as many keys. */
  readonly mapNs: number;
  /** The registry's own breakers reached through a plain `Map<string, Breaker>`: a call plus one lookup. */
  readonly ownMapNs: number;
  /** Per round, registry − array: what the registry adds to a call. */
  readonly extraNs: number;
  /** Per round, registry − own map: what the registry adds beyond one lookup. */
  readonly beyondLookupNs: number;
}

/**
 * A call rotating over all tools: through the registry, on the very same breakers held in an
 * array and behind a plain Map, and a `Map.get` alone over as many keys; measured in interleaved
 * rounds so drifting load hits all of them alike, differences taken per round.
 */
async function rotatingCalls(
  config: BenchConfig,
  registry: Registry,
  names: readonly string[],
  lookup: ReadonlyMap<string, number>,
): Promise<Rotating> {
  const size = names.length;
  const breakers = names.map((name) => registry.breaker(name));
  const byName = new Map(names.map((name, i) => [name, breakers[i]!]));
  const runs = { registry: [] as number[], array: [] as number[], map: [] as number[], own: [] as number[] };
  const extra: number[] = [];
  const beyond: number[] = [];
  for (let round = 0; round < config.rounds; round++) {
    let r = 0;
    let a = 0;
    let m = 0;
    let o = 0;
    const registryNs = await medianNs(config, () => registry.execute(names[r++ % size]!, succeed));
    const arrayNs = await medianNs(config, () => breakers[a++ % size]!.execute(succeed));
    const mapNs = await medianNs(config, () => do_not_optimize(lookup.get(names[m++ % size]!)));
    const ownNs = await medianNs(config, () => byName.get(names[o++ % size]!)!.execute(succeed));
    runs.registry.push(registryNs);
    runs.array.push(arrayNs);
    runs.map.push(mapNs);
    runs.own.push(ownNs);
    extra.push(registryNs - arrayNs);
    beyond.push(registryNs - ownNs);
  }
  return {
    registryNs: median(runs.registry),
    arrayNs: median(runs.array),
    mapNs: median(runs.map),
    ownMapNs: median(runs.own),
    extraNs: median(extra),
    beyondLookupNs: median(beyond),
  };
}

async function measureSize(config: BenchConfig, size: number, breakerNs: number): Promise<SizeResult> {
  const names = Array.from({ length: size }, (_, i) => `server-${i % 97}/tool-${i}`);
  const fresh = Array.from({ length: config.freshTools }, (_, i) => `fresh-${size}-${i}`);
  // The caller's own index of its tool names, made before measuring: the first use of a name built by
  // a template literal as a Map key changes how V8 stores it (about 70 B more per name, measured),
  // which is the caller's string, not the registry's heap.
  const callerIndex = new Map(names.map((name, i) => [name, i]));

  const heapBefore = heapUsed();
  const registry = createRegistry({ defaults, maxTools: MAX_TOOLS });
  const start = nowNs();
  for (const name of names) recordFailure(registry, name);
  const registerNs = nowNs() - start;
  const heapAfter = heapUsed();
  const sample = registry.diagnostics(names[size - 1]!);
  if (sample.state !== 'closed' || sample.failureCount !== 1) {
    throw new Error(`scenario 5: expected a closed tool with 1 failure, got ${JSON.stringify(sample)}`);
  }

  for (const name of names) registry.tryAcquire(name)?.success();
  const hot = names[0]!;
  const hotNs = await medianNs(config, () => registry.execute(hot, succeed));
  const rotating = await rotatingCalls(config, registry, names, callerIndex);

  const batches: number[] = [];
  for (let i = 0; i + BATCH <= fresh.length; i += BATCH) {
    const t = nowNs();
    for (let j = i; j < i + BATCH; j++) recordFailure(registry, fresh[j]!);
    batches.push((nowNs() - t) / BATCH);
  }
  registry.stop();

  const tools = size.toLocaleString('en');
  const perTool = (heapAfter - heapBefore) / size;
  const scale = [
    tools,
    formatNs(registerNs),
    size < 1_000 ? 'n/a' : formatBytes(perTool),
    formatBytes(heapAfter),
    formatNs(median(batches)),
  ];
  const call = [
    tools,
    formatNs(hotNs),
    formatNs(hotNs - breakerNs),
    formatNs(rotating.registryNs),
    formatNs(rotating.arrayNs),
    formatNs(rotating.extraNs),
    formatNs(rotating.mapNs),
    formatNs(rotating.ownMapNs),
    formatNs(rotating.beyondLookupNs),
  ];
  const lookup = { size, ...rotating };
  if (size !== TARGET_TOOLS) return { scale, call, lookup };
  const ok = registerNs < 2e9 && heapAfter < 300 * 1_048_576;
  const target: Target = {
    goal: '5: 100,000 tools each recording one failure in < 2 s, < 300 MB heap',
    measured: `${formatNs(registerNs)}, heap ${formatBytes(heapAfter)} (registry ${formatBytes(heapAfter - heapBefore)}, ${formatBytes(perTool)}/tool)`,
    met: ok,
  };
  return { scale, call, lookup, target };
}

/** "A call through the registry to a closed tool costs at most one map lookup more than the same call on a bare breaker." */
function lookupTargets(lookups: readonly SizeResult['lookup'][]): Target[] {
  const each = (f: (l: SizeResult['lookup']) => string): string =>
    lookups.map((l) => `${l.size.toLocaleString('en')}: ${f(l)}`).join('; ');
  return [
    {
      goal: '5: registry − same breakers (array) ≤ one Map.get alone (rotating)',
      measured: each((l) => `${formatNs(l.extraNs)} vs ${formatNs(l.mapNs)}`),
      met: lookups.every((l) => l.extraNs <= l.mapNs),
    },
    {
      goal: '5: registry ≤ same breakers behind a plain Map.get, within 5 % (rotating)',
      measured: each((l) => `${formatNs(l.registryNs)} vs ${formatNs(l.ownMapNs)}`),
      met: lookups.every((l) => l.beyondLookupNs <= 0.05 * l.ownMapNs),
    },
  ];
}

export async function registryScale(config: BenchConfig): Promise<ScenarioResult> {
  const breaker = tripstateBreaker({ threshold: 5, openMs: HOUR_MS });
  const breakerNs = await medianNs(config, () => breaker.execute(succeed));
  breaker.stop();

  const results: SizeResult[] = [];
  for (const size of config.registrySizes) results.push(await measureSize(config, size, breakerNs));
  const targets = results.flatMap((r) => (r.target ? [r.target] : []));
  return {
    tables: [
      {
        title: '5a. Registry: registering tools, heap, and a failure on a tool not seen before',
        header: ['tools', 'register all (1 failure each)', 'heap/tool', 'heap after', 'failure, new tool'],
        rows: results.map((r) => r.scale),
        notes: [
          'failures are recorded through tryAcquire() + permit.failure(category); heap is measured after a full GC',
          'heap/tool is not shown below 1,000 tools, where it is within the noise of a collection',
        ],
      },
      {
        title: '5b. Registry: a call to a closed tool',
        header: [
          'tools',
          'one tool',
          '− bare breaker',
          'rotating',
          'its breakers, array',
          'registry − array',
          'Map.get alone',
          'its breakers, own Map',
          'registry − own Map',
        ],
        rows: results.map((r) => r.call),
        notes: [
          `one tool: the same tool every time, against a bare createBreaker() execute (${formatNs(breakerNs)} in this run)`,
          "rotating over all tools: through the registry; on the registry's own breakers held in an array (no lookup) and behind a plain Map<string, Breaker> (one lookup); a Map.get alone over as many keys",
          `medians over ${config.rounds} interleaved rounds; the differences are medians of per-round differences`,
        ],
      },
    ],
    targets: [...targets, ...lookupTargets(results.map((r) => r.lookup))],
  };
}
