/**
 * Scenario 5: a registry of 10, 1,000 and 100,000 tools. Per size: registering that many distinct
 * tools that each record one failure (time and heap per tool: the issue-3 target at 100,000), a
 * call to a closed tool (against the same call on a bare breaker and one `Map.get`), and a failure
 * recorded on a tool not seen before.
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
  readonly row: string[];
  readonly target?: Target;
}

async function measureSize(config: BenchConfig, size: number, breakerNs: number): Promise<SizeResult> {
  const names = Array.from({ length: size }, (_, i) => `server-${i % 97}/tool-${i}`);
  const fresh = Array.from({ length: config.freshTools }, (_, i) => `fresh-${size}-${i}`);
  const lookup = new Map(names.map((name, i) => [name, i]));

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
  let next = 0;
  const callNs = await medianNs(config, () => registry.execute(names[next++ % size]!, succeed));
  let probe = 0;
  const mapNs = await medianNs(config, () => do_not_optimize(lookup.get(names[probe++ % size]!)));

  const batches: number[] = [];
  for (let i = 0; i + BATCH <= fresh.length; i += BATCH) {
    const t = nowNs();
    for (let j = i; j < i + BATCH; j++) recordFailure(registry, fresh[j]!);
    batches.push((nowNs() - t) / BATCH);
  }
  registry.stop();

  const perTool = (heapAfter - heapBefore) / size;
  const row = [
    size.toLocaleString('en'),
    formatNs(registerNs),
    size < 1_000 ? 'n/a' : formatBytes(perTool),
    formatBytes(heapAfter),
    formatNs(hotNs),
    formatNs(hotNs - breakerNs),
    formatNs(callNs),
    formatNs(mapNs),
    formatNs(median(batches)),
  ];
  if (size !== TARGET_TOOLS) return { row };
  const ok = registerNs < 2e9 && heapAfter < 300 * 1_048_576;
  const target: Target = {
    goal: '5: 100,000 tools each recording one failure in < 2 s, < 300 MB heap',
    measured: `${formatNs(registerNs)}, heap ${formatBytes(heapAfter)} (registry ${formatBytes(heapAfter - heapBefore)})`,
    met: ok,
  };
  return { row, target };
}

export async function registryScale(config: BenchConfig): Promise<ScenarioResult> {
  const breaker = tripstateBreaker({ threshold: 5, openMs: HOUR_MS });
  const breakerNs = await medianNs(config, () => breaker.execute(succeed));
  breaker.stop();

  const rows: string[][] = [];
  const targets: Target[] = [];
  for (const size of config.registrySizes) {
    const result: SizeResult = await measureSize(config, size, breakerNs);
    rows.push(result.row);
    if (result.target) targets.push(result.target);
  }
  return {
    tables: [
      {
        title: '5. Registry',
        header: [
          'tools',
          'register all (1 failure each)',
          'heap/tool',
          'heap after',
          'call, one tool',
          '− bare breaker',
          'call, rotating',
          'Map.get, rotating',
          'failure, new tool',
        ],
        rows,
        notes: [
          `a call to a closed tool: the same tool every time (against a bare breaker's execute, ${formatNs(breakerNs)} in this run), and rotating over all tools (against a Map.get rotating over as many keys)`,
          'failures are recorded through tryAcquire() + permit.failure(category); heap is measured after a full GC',
          'heap/tool is not shown below 1,000 tools, where it is within the noise of a collection',
        ],
      },
    ],
    targets,
  };
}
