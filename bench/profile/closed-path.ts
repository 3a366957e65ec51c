/**
 * The closed successful path alone, interleaved in rounds so drifting load hits every variant
 * alike: a bare call, tripstate's execute (without and with a signal), the permit, cockatiel.
 * Prints each round and the median over rounds of each variant, and of the overhead ratio.
 *   node --import tsx bench/profile/closed-path.ts [rounds]
 */
import { measure } from 'mitata';
import { cockatielBreaker, HOUR_MS, tripstateBreaker } from '../contenders.js';
import { median } from '../stats.js';
import { succeed } from '../workload.js';

const rounds = Number(process.argv[2] ?? 5) || 5;
const shape = { threshold: 5, openMs: HOUR_MS };
const tripstate = tripstateBreaker(shape);
const cockatiel = cockatielBreaker(shape);
const signal = new AbortController().signal;
const withSignal = { signal };

const cases: readonly (readonly [string, () => unknown])[] = [
  ['bare await fn()', () => succeed()],
  ['tripstate execute', () => tripstate.execute(succeed)],
  ['tripstate execute, signal', () => tripstate.execute(succeed, withSignal)],
  ['cockatiel execute', () => cockatiel.execute(succeed)],
];

const samples = new Map<string, number[]>(cases.map(([label]) => [label, []]));
const ratios: number[] = [];
for (let round = 0; round < rounds; round++) {
  const line: string[] = [];
  const ns = new Map<string, number>();
  for (const [label, fn] of cases) {
    const stats = await measure(fn, { min_cpu_time: 300e6 });
    ns.set(label, stats.p50);
    samples.get(label)!.push(stats.p50);
    line.push(`${label} ${stats.p50.toFixed(0)}`);
  }
  const bare = ns.get('bare await fn()')!;
  const ratio = (ns.get('tripstate execute')! - bare) / (ns.get('cockatiel execute')! - bare);
  ratios.push(ratio);
  console.log(`round ${round + 1}: ${line.join(' | ')} | ratio ${ratio.toFixed(2)}`);
}
for (const [label, values] of samples)
  console.log(`${label.padEnd(28)} ${median(values).toFixed(0).padStart(5)} ns`);
console.log(`overhead ÷ cockatiel's (median of rounds) ${median(ratios).toFixed(2)}×`);
tripstate.stop();
