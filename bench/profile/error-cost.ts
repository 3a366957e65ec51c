/**
 * What one rejection error costs to construct, outside any breaker:
 *   node --import tsx bench/profile/error-cost.ts
 */
import { BrokenCircuitError as CockatielError } from 'cockatiel';
import { BrokenCircuitError } from '../../src/index.js';
import { nowNs } from '../stats.js';

const N = 200_000;

function perOp(f: () => unknown): number {
  for (let i = 0; i < 20_000; i++) f();
  const start = nowNs();
  for (let i = 0; i < N; i++) f();
  return (nowNs() - start) / N;
}

const cases: [string, () => unknown][] = [
  ['new Error(message)', () => new Error('Circuit is open; retry in 3600000 ms')],
  ['cockatiel new BrokenCircuitError()', () => new CockatielError()],
  ['tripstate new BrokenCircuitError(open, ms)', () => new BrokenCircuitError('open', 3_599_999.4)],
];
for (let round = 0; round < 2; round++) {
  for (const [label, f] of cases) console.log(`${label.padEnd(45)} ${perOp(f).toFixed(0).padStart(6)} ns`);
}
