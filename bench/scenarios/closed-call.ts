/** Scenario 1: a closed breaker guarding a successful async call. */
import type { BenchConfig } from '../config.js';
import {
  cockatielBreaker,
  HOUR_MS,
  OPOSSUM_VARIANTS,
  opossumBreaker,
  tripstateBreaker,
} from '../contenders.js';
import { formatNs, formatRatio, type ScenarioResult } from '../report.js';
import { interleavedMedianNs, medianNs } from '../stats.js';
import { overhead, timedTable, type Timing } from '../timed.js';
import { succeed } from '../workload.js';

let wrapped = 0;
const onSettled = <T>(value: T): T => {
  wrapped++;
  return value;
};
const onFailed = (error: unknown): never => {
  wrapped++;
  throw error;
};

/**
 * The least any `execute(fn)` that observes the callee's outcome and returns a promise of it can
 * cost: one `then` on the callee's promise with preallocated handlers, no breaker.
 */
function thenWrapper<T>(fn: () => Promise<T>): Promise<T> {
  return fn().then(onSettled, onFailed);
}

export async function closedCall(config: BenchConfig): Promise<ScenarioResult> {
  const shape = { threshold: 5, openMs: HOUR_MS };
  const tripstate = tripstateBreaker(shape);
  const cockatiel = cockatielBreaker(shape);
  const opossum = opossumBreaker(succeed, shape, false);
  const opossumTimed = opossumBreaker(succeed, shape, true);

  // The figures the target compares, in interleaved rounds.
  const ns = await interleavedMedianNs(config, {
    bare: () => succeed(),
    floor: () => thenWrapper(succeed),
    tripstate: () => tripstate.execute(succeed),
    cockatiel: () => cockatiel.execute(succeed),
  });
  const bare: Timing = { label: 'bare await fn()', ns: ns.bare };
  const floor: Timing = { label: 'reference: fn().then(ok, fail), no breaker', ns: ns.floor };
  const ts: Timing = { label: 'tripstate execute', ns: ns.tripstate };
  const ck: Timing = { label: 'cockatiel execute', ns: ns.cockatiel };
  const permit: Timing = {
    label: 'tripstate tryAcquire() + success(), sync',
    ns: await medianNs(config, () => tripstate.tryAcquire()!.success()),
    standalone: true,
  };
  const op: Timing = {
    label: 'opossum fire (lean)',
    ns: await medianNs(config, () => opossum.fire()),
  };
  const opT: Timing = {
    label: 'opossum fire (defaults)',
    ns: await medianNs(config, () => opossumTimed.fire()),
  };
  tripstate.stop();
  opossum.shutdown();
  opossumTimed.shutdown();

  const ratio = overhead(ts, bare) / overhead(ck, bare);
  return {
    tables: [
      timedTable(
        '1. Closed breaker, successful async call',
        bare,
        [floor, ts, permit, ck, op, opT],
        [
          OPOSSUM_VARIANTS,
          `fn().then(ok, fail) with preallocated handlers (${wrapped} calls) is the floor of any execute(fn) that records the outcome and returns its promise`,
          `bare, the floor, tripstate and cockatiel: median of ${config.rounds} interleaved rounds each`,
        ],
      ),
    ],
    targets: [
      {
        goal: '1: tripstate overhead ≤ 1/5 of cockatiel overhead',
        measured: `${formatNs(overhead(ts, bare))} vs ${formatNs(overhead(ck, bare))} (${formatRatio(ratio)}; floor ${formatRatio(overhead(floor, bare) / overhead(ck, bare))})`,
        met: ratio <= 0.2,
      },
    ],
  };
}
