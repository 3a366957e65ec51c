/** Scenario 3: an open breaker rejecting, as a thrown error and through tripstate's non-throwing gate. */
import { CircuitState } from 'cockatiel';
import { do_not_optimize } from 'mitata';
import type { BenchConfig } from '../config.js';
import { cockatielBreaker, HOUR_MS, opossumBreaker, tripstateBreaker } from '../contenders.js';
import { formatNs, formatRatio, type ScenarioResult } from '../report.js';
import { interleavedMedianNs, medianNs } from '../stats.js';
import { timedTable, type Timing } from '../timed.js';
import { fail, settle, succeed } from '../workload.js';

const swallow = (): void => undefined;

export async function openRejection(config: BenchConfig): Promise<ScenarioResult> {
  const shape = { threshold: 1, openMs: HOUR_MS };
  const tripstate = tripstateBreaker(shape);
  const cockatiel = cockatielBreaker(shape);
  const opossum = opossumBreaker(fail, shape, false);
  await settle(tripstate.execute(fail));
  await settle(cockatiel.execute(fail));
  await settle(opossum.fire());
  const open = [tripstate.state === 'open', cockatiel.state === CircuitState.Open, opossum.opened];
  if (!open.every(Boolean)) throw new Error(`scenario 3: a breaker did not open: ${open.join(', ')}`);

  // The figures the targets compare, in interleaved rounds.
  const ns = await interleavedMedianNs(config, {
    bare: () => succeed(),
    tripstate: () => tripstate.execute(succeed).catch(swallow),
    gate: () => do_not_optimize(tripstate.tryAcquire()),
    cockatiel: () => cockatiel.execute(succeed).catch(swallow),
  });
  const bare: Timing = { label: 'bare await fn() (reference)', ns: ns.bare };
  const ts: Timing = { label: 'tripstate execute → BrokenCircuitError', ns: ns.tripstate };
  const gate: Timing = { label: 'tripstate tryAcquire() → undefined', ns: ns.gate, standalone: true };
  const ck: Timing = { label: 'cockatiel execute → BrokenCircuitError', ns: ns.cockatiel };
  const op: Timing = {
    label: 'opossum fire → EOPENBREAKER',
    ns: await medianNs(config, () => opossum.fire().catch(swallow)),
  };
  const denied = tripstate.diagnostics().deniedRequests;
  tripstate.stop();
  opossum.shutdown();

  return {
    tables: [
      timedTable(
        '3. Open breaker: rejection',
        bare,
        [ts, gate, ck, op],
        [
          `tripstate counted ${denied} denied requests (rejections are batched into one event)`,
          `all but opossum: median of ${config.rounds} interleaved rounds each`,
        ],
      ),
    ],
    targets: [
      { goal: '3: tryAcquire() gate < 100 ns', measured: formatNs(gate.ns), met: gate.ns < 100 },
      {
        goal: "3: thrown rejection no slower than cockatiel's",
        measured: `${formatNs(ts.ns)} vs ${formatNs(ck.ns)} (${formatRatio(ts.ns / ck.ns)})`,
        met: ts.ns <= ck.ns,
      },
    ],
  };
}
