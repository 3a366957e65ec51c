/** Scenario 2: a failing call below the threshold; the callee throws in every library. */
import type { BenchConfig } from '../config.js';
import {
  cockatielBreaker,
  HOUR_MS,
  NEVER,
  OPOSSUM_VARIANTS,
  opossumBreaker,
  tripstateBreaker,
} from '../contenders.js';
import { formatNs, formatRatio, type ScenarioResult } from '../report.js';
import { interleavedMedianNs, medianNs } from '../stats.js';
import { overhead, timedTable, type Timing } from '../timed.js';
import { fail } from '../workload.js';

const swallow = (): void => undefined;

export async function failingCall(config: BenchConfig): Promise<ScenarioResult> {
  const shape = { threshold: NEVER, openMs: HOUR_MS };
  const tripstate = tripstateBreaker(shape);
  const cockatiel = cockatielBreaker(shape);
  const opossum = opossumBreaker(fail, shape, false);
  const opossumTimed = opossumBreaker(fail, shape, true);

  // The figures the target compares, in interleaved rounds.
  const ns = await interleavedMedianNs(config, {
    bare: () => fail().catch(swallow),
    tripstate: () => tripstate.execute(fail).catch(swallow),
    cockatiel: () => cockatiel.execute(fail).catch(swallow),
  });
  const bare: Timing = { label: 'bare await fn()', ns: ns.bare };
  const ts: Timing = { label: 'tripstate execute', ns: ns.tripstate };
  const ck: Timing = { label: 'cockatiel execute', ns: ns.cockatiel };
  const op: Timing = {
    label: 'opossum fire (lean)',
    ns: await medianNs(config, () => opossum.fire().catch(swallow)),
  };
  const opT: Timing = {
    label: 'opossum fire (defaults)',
    ns: await medianNs(config, () => opossumTimed.fire().catch(swallow)),
  };
  const state = tripstate.state;
  const failures = tripstate.diagnostics().failureCount;
  tripstate.stop();
  opossum.shutdown();
  opossumTimed.shutdown();

  const ratio = overhead(ts, bare) / overhead(ck, bare);
  return {
    tables: [
      timedTable(
        '2. Failing call below the threshold',
        bare,
        [ts, ck, op, opT],
        [
          `tripstate ended ${state} with ${failures} failures counted (the threshold is never reached)`,
          OPOSSUM_VARIANTS,
          "opossum's default failure cost grows with the calls in its 10 s window: each failure sorts all their latencies",
          `bare, tripstate and cockatiel: median of ${config.rounds} interleaved rounds each`,
        ],
      ),
    ],
    targets: [
      {
        goal: "2: tripstate overhead ≤ cockatiel's",
        measured: `${formatNs(overhead(ts, bare))} vs ${formatNs(overhead(ck, bare))} (${formatRatio(ratio)})`,
        met: ratio <= 1,
      },
    ],
  };
}
