/**
 * The registry soak: many calls over many rotating tool names, some flaky, with calls in flight
 * while tools are evicted. It checks what a gateway relies on and exits non-zero when it breaks:
 * every call made is either admitted or rejected (admitted + rejected = calls made), no failure
 * is lost to an evicted breaker (a flaky tool's circuit still opens), the registry stays within
 * `maxTools` plus the tools it may not evict, and the heap stays bounded. Timings are printed,
 * never judged.
 *   node --expose-gc --import tsx bench/soak.ts            2,000,000 calls over 50,000 names
 *   node --expose-gc --import tsx bench/soak.ts --short    what CI runs: 100,000 calls over 5,000 names
 */
import { createRegistry, isBrokenCircuitError } from '../src/index.js';
import { formatBytes, formatNs } from './report.js';
import { heapUsed, nowNs } from './stats.js';

const short = process.argv.includes('--short');
const calls = short ? 100_000 : 2_000_000;
const names = short ? 5_000 : 50_000;
const maxTools = short ? 1_000 : 10_000;
/** Calls started between two turns of the event loop. */
const batchSize = 500;
const flakyShare = 0.05;
const heapBound = 256 * 1_048_576;
const threshold = 5;
const HOUR_MS = 3_600_000;

/** A deterministic generator (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const next = random(15);
const tools = Array.from({ length: names }, (_, i) => `server_${i % 37}__tool_${i}`);
/** Every twentieth tool is flaky: each of its calls fails. The others always succeed. */
const flaky = (index: number): boolean => index % Math.round(1 / flakyShare) === 0;

const registry = createRegistry({
  defaults: { failureThreshold: threshold, minBackoffMs: HOUR_MS, maxBackoffMs: HOUR_MS },
  maxTools,
});
let warnings = 0;
registry.on('warning', () => warnings++);
let opened = 0;
registry.on('opened', () => opened++);

/** Failures each flaky tool returned: one with `threshold` of them must be open, whatever was evicted meanwhile. */
const failuresOf = new Map<number, number>();
let admitted = 0;
let rejected = 0;
let made = 0;
let largest = 0;
const before = heapUsed();
let peakHeap = 0;
const start = nowNs();

/** Calls of flaky tools, failing only after `lag` more calls were started: slow failing tools. */
const slow: { due: number; index: number; fail: (error: Error) => void }[] = [];
let slowHead = 0;
const lag = Math.min(4 * maxTools, names);
let settled = 0;

function failDue(all: boolean): void {
  while (slowHead < slow.length && (all || slow[slowHead]!.due <= made)) {
    const { index, fail } = slow[slowHead++]!;
    failuresOf.set(index, (failuresOf.get(index) ?? 0) + 1);
    fail(new Error('ECONNRESET'));
  }
  if (slowHead > 10_000) {
    slow.splice(0, slowHead);
    slowHead = 0;
  }
}

function call(index: number): void {
  made++;
  registry
    .execute(tools[index]!, () => {
      admitted++;
      if (!flaky(index)) return Promise.resolve(index);
      return new Promise<number>((_, fail) => slow.push({ due: made + lag, index, fail }));
    })
    .catch((error: unknown) => {
      if (isBrokenCircuitError(error)) rejected++;
      else if (!(error instanceof Error) || error.message !== 'ECONNRESET') throw error;
    })
    .finally(() => settled++);
}

let cursor = 0;
while (made < calls) {
  for (let i = 0; i < batchSize && made < calls; i++) {
    // Rotating names, with a random jump now and then so the CLOCK sweep sees reuse.
    cursor = next() < 0.1 ? Math.floor(next() * names) : (cursor + 1) % names;
    call(cursor);
    failDue(false);
  }
  await new Promise((resolve) => setImmediate(resolve));
  largest = Math.max(largest, registry.size);
  if (made % (calls / 10) < batchSize) peakHeap = Math.max(peakHeap, heapUsed() - before);
}
failDue(true);
while (settled < made) await new Promise((resolve) => setImmediate(resolve));
const elapsed = nowNs() - start;
const heap = heapUsed() - before;
peakHeap = Math.max(peakHeap, heap);
const due = [...failuresOf].filter(([, failures]) => failures >= threshold).map(([index]) => tools[index]!);
const flakyOpen = due.filter((tool) => registry.state(tool) === 'open').length;
registry.stop();

console.log(
  [
    `soak: ${calls} calls over ${names} names (${flakyShare * 100} % flaky), maxTools ${maxTools}`,
    `  admitted ${admitted} + rejected ${rejected} = ${admitted + rejected} of ${made} calls made`,
    `  circuits opened ${opened}; flaky tools with ${threshold}+ failures ${due.length}, open ${flakyOpen}; largest registry ${largest} tools; ${warnings} warning(s)`,
    `  ${formatNs(elapsed)} (${formatNs(elapsed / calls)} per call); heap +${formatBytes(heap)} at the end, peak +${formatBytes(peakHeap)}`,
  ].join('\n'),
);

const problems: string[] = [];
if (admitted + rejected !== made) problems.push('admitted + rejected differs from the calls made');
if (due.length === 0 || flakyOpen !== due.length)
  problems.push(`${due.length - flakyOpen} failing tools not open: failures were lost`);
if (peakHeap > heapBound) problems.push(`heap grew past ${formatBytes(heapBound)}`);
if (largest > maxTools + names * flakyShare + lag) problems.push(`the registry grew to ${largest} tools`);
if (problems.length > 0) {
  console.error(`soak FAILED: ${problems.join('; ')}`);
  process.exitCode = 1;
}
