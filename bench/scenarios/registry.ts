/**
 * Scenario 5: a registry of 10, 1,000 and 100,000 tools. Per size: registering that many distinct
 * tools that each record one failure (time and heap per tool: the issue-3 target at 100,000), a
 * failure recorded on a tool not seen before, and a call to a closed tool: on one tool (against a
 * bare breaker) and rotating over all tools, through the registry and on the same breakers held in
 * an array, against one `Map.get` rotating over as many keys (what the registry adds to a call).
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
  /** Registry call minus the same call on its own breakers, and one Map.get, both rotating. */
  readonly lookup: { readonly size: number; readonly extraNs: number; readonly mapNs: number };
  readonly target?: Target;
}

/**
 * A call rotating over all tools, through the registry and on the very same breakers held in an
 * array, and a `Map.get` rotating over as many keys: measured in interleaved rounds so drifting
 * load hits all three alike; the difference registry − array is taken per round.
 */
async function rotatingCalls(
  config: BenchConfig,
  registry: Registry,
  names: readonly string[],
): Promise<{ registryNs: number; bareNs: number; extraNs: number; mapNs: number }> {
  const size = names.length;
  const breakers = names.map((name) => registry.breaker(name));
  const lookup = new Map(names.map((name, i) => [name, i]));
  const registryRuns: number[] = [];
  const bareRuns: number[] = [];
  const extraRuns: number[] = [];
  const mapRuns: number[] = [];
  for (let round = 0; round < config.rounds; round++) {
    let next = 0;
    const registryNs = await medianNs(config, () => registry.execute(names[next++ % size]!, succeed));
    let bare = 0;
    const bareNs = await medianNs(config, () => breakers[bare++ % size]!.execute(succeed));
    let probe = 0;
    const mapNs = await medianNs(config, () => do_not_optimize(lookup.get(names[probe++ % size]!)));
    registryRuns.push(registryNs);
    bareRuns.push(bareNs);
    extraRuns.push(registryNs - bareNs);
    mapRuns.push(mapNs);
  }
  return {
    registryNs: median(registryRuns),
    bareNs: median(bareRuns),
    extraNs: median(extraRuns),
    mapNs: median(mapRuns),
  };
}

async function measureSize(config: BenchConfig, size: number, breakerNs: number): Promise<SizeResult> {
  const names = Array.from({ length: size }, (_, i) => `server-${i % 97}/tool-${i}`);
  const fresh = Array.from({ length: config.freshTools }, (_, i) => `fresh-${size}-${i}`);

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
  const rotating = await rotatingCalls(config, registry, names);

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
    formatNs(rotating.bareNs),
    formatNs(rotating.extraNs),
    formatNs(rotating.mapNs),
  ];
  const lookup = { size, extraNs: rotating.extraNs, mapNs: rotating.mapNs };
  if (size !== TARGET_TOOLS) return { scale, call, lookup };
  const ok = registerNs < 2e9 && heapAfter < 300 * 1_048_576;
  const target: Target = {
    goal: '5: 100,000 tools each recording one failure in < 2 s, < 300 MB heap',
    measured: `${formatNs(registerNs)}, heap ${formatBytes(heapAfter)} (registry ${formatBytes(heapAfter - heapBefore)}, ${formatBytes(perTool)}/tool)`,
    met: ok,
  };
  return { scale, call, lookup, target };
}

/** "A call through the registry to a closed tool costs at most one map lookup more than on a bare breaker." */
function lookupTarget(lookups: readonly SizeResult['lookup'][]): Target {
  return {
    goal: '5: registry call − same call on its breakers ≤ one Map.get (rotating)',
    measured: lookups
      .map((l) => `${l.size.toLocaleString('en')}: ${formatNs(l.extraNs)} vs ${formatNs(l.mapNs)}`)
      .join('; '),
    met: lookups.every((l) => l.extraNs <= l.mapNs),
  };
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
          'same breakers, array',
          'registry − array',
          'Map.get, rotating',
        ],
        rows: results.map((r) => r.call),
        notes: [
          `one tool: the same tool every time, against a bare createBreaker() execute (${formatNs(breakerNs)} in this run)`,
          "rotating over all tools: through the registry, on the registry's own breakers held in an array (no lookup), and a Map.get over as many keys",
          `registry − array is the median over ${config.rounds} interleaved rounds of the per-round difference: what the registry adds to a call, against one Map.get`,
        ],
      },
    ],
    targets: [...targets, lookupTarget(results.map((r) => r.lookup))],
  };
}
