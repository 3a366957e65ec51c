/**
 * A call to a closed tool rotating over a large registry: through the registry, on the same
 * breakers held in an array, and a `Map.get` over as many keys, in interleaved rounds; with the
 * heap per tool after registering and after every tool has been called. With `--only=registry`
 * (or `array`, `map`) it loops on that one path, for `node --cpu-prof`.
 *   node --expose-gc --import tsx bench/profile/registry-rotating.ts [tools] [--only=registry]
 */
import { do_not_optimize, measure } from 'mitata';
import { HOUR_MS } from '../contenders.js';
import { createRegistry } from '../../src/index.js';
import { heapUsed, median } from '../stats.js';
import { succeed } from '../workload.js';

const size = Number(process.argv[2] ?? 100_000) || 100_000;
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const names = Array.from({ length: size }, (_, i) => `server-${i % 97}/tool-${i}`);
const lookup = new Map(names.map((name, i) => [name, i]));

const before = heapUsed();
const registry = createRegistry({
  defaults: { failureThreshold: 5, minBackoffMs: HOUR_MS, maxBackoffMs: HOUR_MS },
  maxTools: 2 * size,
});
for (const name of names) registry.tryAcquire(name)?.failure('execution_error');
const registered = heapUsed();
const breakers = names.map((name) => registry.breaker(name));
const byName = new Map(names.map((name, i) => [name, breakers[i]!]));
/** The same breakers with a use bit beside each, as the registry keeps them. */
const slots = new Map(names.map((name, i) => [name, { breaker: breakers[i]!, used: false }]));

let r = 0;
let a = 0;
let m = 0;
let g = 0;
let w = 0;
const paths: Record<string, () => unknown> = {
  registry: () => registry.execute(names[r++ % size]!, succeed),
  array: () => breakers[a++ % size]!.execute(succeed),
  map: () => do_not_optimize(lookup.get(names[m++ % size]!)),
  'own map': () => byName.get(names[g++ % size]!)!.execute(succeed),
  'own map+write': () => {
    const slot = slots.get(names[w++ % size]!)!;
    slot.used = true;
    return slot.breaker.execute(succeed);
  },
};

if (only !== undefined) {
  const path = paths[only];
  if (path === undefined) throw new Error(`--only=${Object.keys(paths).join('|')}`);
  for (let i = 0; i < 40 * size; i++) await path();
} else {
  const runs = new Map<string, number[]>(Object.keys(paths).map((k) => [k, []]));
  for (let round = 0; round < 3; round++) {
    for (const [label, fn] of Object.entries(paths)) runs.get(label)!.push((await measure(fn)).p50);
  }
  for (const [label, values] of runs)
    console.log(`${label.padEnd(14)} ${median(values).toFixed(0).padStart(5)} ns`);
  const called = heapUsed();
  const kib = (bytes: number): string => `${(bytes / size).toFixed(0)} B/tool`;
  console.log(
    `heap: registered ${kib(registered - before)}, after every tool was called ${kib(called - before)}`,
  );
}
registry.stop();
