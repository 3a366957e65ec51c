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
import { medianNs } from '../stats.js';
import { overhead, timedTable, type Timing } from '../timed.js';
import { succeed } from '../workload.js';

let wrapped = 0;

/** The least an `execute(fn)` that is an async function can cost: no breaker, just await and a counter. */
async function emptyWrapper<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    wrapped++;
  }
}

export async function closedCall(config: BenchConfig): Promise<ScenarioResult> {
  const shape = { threshold: 5, openMs: HOUR_MS };
  const tripstate = tripstateBreaker(shape);
  const cockatiel = cockatielBreaker(shape);
  const opossum = opossumBreaker(succeed, shape, false);
  const opossumTimed = opossumBreaker(succeed, shape, true);

  const bare: Timing = { label: 'bare await fn()', ns: await medianNs(config, () => succeed()) };
  const ts: Timing = {
    label: 'tripstate execute',
    ns: await medianNs(config, () => tripstate.execute(succeed)),
  };
  const ck: Timing = {
    label: 'cockatiel execute',
    ns: await medianNs(config, () => cockatiel.execute(succeed)),
  };
  const op: Timing = {
    label: 'opossum fire (lean)',
    ns: await medianNs(config, () => opossum.fire()),
  };
  const opT: Timing = {
    label: 'opossum fire (defaults)',
    ns: await medianNs(config, () => opossumTimed.fire()),
  };
  const permit: Timing = {
    label: 'tripstate tryAcquire() + success(), sync',
    ns: await medianNs(config, () => tripstate.tryAcquire()!.success()),
    standalone: true,
  };
  const wrapper: Timing = {
    label: 'reference: empty async wrapper',
    ns: await medianNs(config, () => emptyWrapper(succeed)),
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
        [wrapper, ts, permit, ck, op, opT],
        [
          OPOSSUM_VARIANTS,
          `the empty async wrapper (await fn() in try/finally, ${wrapped} calls) is the floor of any async execute(fn)`,
        ],
      ),
    ],
    targets: [
      {
        goal: '1: tripstate overhead ≤ 1/5 of cockatiel overhead',
        measured: `${formatNs(overhead(ts, bare))} vs ${formatNs(overhead(ck, bare))} (${formatRatio(ratio)})`,
        met: ratio <= 0.2,
      },
    ],
  };
}
