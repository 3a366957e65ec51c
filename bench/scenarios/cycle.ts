/**
 * Scenario 7: a whole cycle on one breaker: a failure trips it, a call is rejected, and once the
 * (1 ms) backoff has passed a successful probe closes it. The wait itself is not timed; the
 * work of tripstate's backoff timer is (through its clock).
 */
import { CircuitState } from 'cockatiel';
import type { BenchConfig } from '../config.js';
import { cockatielBreaker, opossumBreaker, tripstateBreaker } from '../contenders.js';
import { formatNs, type ScenarioResult } from '../report.js';
import { median, nowNs, sleep } from '../stats.js';
import type { BreakerClock } from '../../src/index.js';
import { fail, settle, succeed } from '../workload.js';

const shape = { threshold: 1, openMs: 1 };

interface Cycler {
  readonly call: (fn: () => Promise<number>) => Promise<unknown>;
  readonly isClosed: () => boolean;
  /** Nanoseconds the library spent in its own timers since the last call. */
  readonly takeTimerNs: () => number;
  readonly dispose: () => void;
}

/** Real, unref'd timers that add up the time their callbacks take. */
function timingClock(): BreakerClock & { spent: number } {
  return {
    spent: 0,
    setTimeout(fn: () => void, ms: number): unknown {
      const timer = setTimeout(() => {
        const start = nowNs();
        fn();
        this.spent += nowNs() - start;
      }, ms);
      return timer.unref();
    },
    clearTimeout(id: unknown): void {
      clearTimeout(id as NodeJS.Timeout);
    },
  };
}

const contenders: readonly (readonly [string, () => Cycler])[] = [
  [
    'tripstate',
    () => {
      const clock = timingClock();
      const breaker = tripstateBreaker(shape, clock);
      return {
        call: (fn) => breaker.execute(fn),
        isClosed: () => breaker.state === 'closed',
        takeTimerNs: () => {
          const spent = clock.spent;
          clock.spent = 0;
          return spent;
        },
        dispose: () => breaker.stop(),
      };
    },
  ],
  [
    'cockatiel',
    () => {
      const breaker = cockatielBreaker(shape);
      return {
        call: (fn) => breaker.execute(fn),
        isClosed: () => breaker.state === CircuitState.Closed,
        takeTimerNs: () => 0,
        dispose: () => undefined,
      };
    },
  ],
  [
    'opossum (lean)',
    () => {
      let next: () => Promise<number> = succeed;
      const breaker = opossumBreaker(() => next(), shape, false);
      return {
        call: (fn) => {
          next = fn;
          return breaker.fire();
        },
        isClosed: () => breaker.closed,
        takeTimerNs: () => 0,
        dispose: () => breaker.shutdown(),
      };
    },
  ],
];

interface Phases {
  readonly trip: number;
  readonly reject: number;
  readonly probe: number;
  readonly timer: number;
}

async function cycle(c: Cycler): Promise<Phases> {
  const t0 = nowNs();
  await settle(c.call(fail));
  const t1 = nowNs();
  await settle(c.call(succeed));
  const t2 = nowNs();
  await sleep(3);
  const timer = c.takeTimerNs();
  const t3 = nowNs();
  await c.call(succeed);
  const t4 = nowNs();
  if (!c.isClosed()) throw new Error('scenario 7: the probe did not close the breaker');
  return { trip: t1 - t0, reject: t2 - t1, probe: t4 - t3, timer };
}

export async function wholeCycle(config: BenchConfig): Promise<ScenarioResult> {
  const rows: string[][] = [];
  for (const [label, create] of contenders) {
    const cycler = create();
    const phases: Phases[] = [];
    for (let i = 0; i < config.cycles; i++) phases.push(await cycle(cycler));
    cycler.dispose();
    const med = (pick: (p: Phases) => number): string => formatNs(median(phases.map(pick)));
    rows.push([
      label,
      med((p) => p.trip + p.reject + p.probe + p.timer),
      med((p) => p.trip),
      med((p) => p.reject),
      med((p) => p.timer),
      med((p) => p.probe),
    ]);
  }
  return {
    tables: [
      {
        title: `7. Whole cycle: trip, reject, probe, close (median of ${config.cycles} cycles)`,
        header: ['library', 'cycle', 'trip', 'reject', 'backoff timer', 'probe + close'],
        rows,
        notes: [
          "tripstate's backoff timer is timed through its clock; opossum's own reset timer (a state flag and an event) is not",
        ],
      },
    ],
    targets: [],
  };
}
