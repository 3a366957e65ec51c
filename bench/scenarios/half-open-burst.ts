/**
 * Scenario 4: many concurrent callers arrive at a half-open breaker. Reports how many callee runs
 * each library starts while its probe is in flight, how many it starts after the probe (callers it
 * held back on the probe instead of rejecting), how many it rejects, and the time from the first
 * call to the last settled promise (median over rounds).
 */
import type { BenchConfig } from '../config.js';
import { cockatielBreaker, opossumBreaker, tripstateBreaker } from '../contenders.js';
import { formatNs, type ScenarioResult } from '../report.js';
import { median, nowNs, sleep } from '../stats.js';
import { fail, settle } from '../workload.js';

const OPEN_MS = 5;

/** Counts the calls a breaker lets through; the first to finish is the probe. */
class Callee {
  started = 0;
  duringProbe = 0;
  #probeDone = false;
  readonly run = async (): Promise<number> => {
    this.started++;
    if (!this.#probeDone) this.duringProbe++;
    await Promise.resolve();
    this.#probeDone = true;
    return 1;
  };
}

interface Burst {
  readonly callee: Callee;
  /** Trips the breaker; resolves once it has had time to become ready for a probe. */
  readonly trip: () => Promise<void>;
  readonly call: () => Promise<unknown>;
  readonly dispose: () => void;
}

type BurstFactory = () => Burst;

const contenders: readonly (readonly [string, BurstFactory])[] = [
  [
    'tripstate',
    () => {
      const callee = new Callee();
      const breaker = tripstateBreaker({ threshold: 1, openMs: OPEN_MS });
      return {
        callee,
        trip: () => settle(breaker.execute(fail)),
        call: () => breaker.execute(callee.run),
        dispose: () => breaker.stop(),
      };
    },
  ],
  [
    'cockatiel',
    () => {
      const callee = new Callee();
      const breaker = cockatielBreaker({ threshold: 1, openMs: OPEN_MS });
      return {
        callee,
        trip: () => settle(breaker.execute(fail)),
        call: () => breaker.execute(callee.run),
        dispose: () => undefined,
      };
    },
  ],
  [
    'opossum (lean)',
    () => {
      const callee = new Callee();
      let failing = true;
      const breaker = opossumBreaker(
        () => (failing ? fail() : callee.run()),
        { threshold: 1, openMs: OPEN_MS },
        false,
      );
      return {
        callee,
        trip: async () => {
          await settle(breaker.fire());
          failing = false;
        },
        call: () => breaker.fire(),
        dispose: () => breaker.shutdown(),
      };
    },
  ],
];

interface Round {
  readonly admitted: number;
  readonly ran: number;
  readonly rejected: number;
  readonly settleNs: number;
}

async function round(factory: BurstFactory, callers: number): Promise<Round> {
  const burst = factory();
  await burst.trip();
  await sleep(OPEN_MS * 3);
  const calls: Promise<unknown>[] = new Array<Promise<unknown>>(callers);
  const start = nowNs();
  for (let i = 0; i < callers; i++) calls[i] = burst.call();
  const outcomes = await Promise.allSettled(calls);
  const settleNs = nowNs() - start;
  burst.dispose();
  return {
    admitted: burst.callee.duringProbe,
    ran: burst.callee.started,
    rejected: outcomes.filter((o) => o.status === 'rejected').length,
    settleNs,
  };
}

export async function halfOpenBurst(config: BenchConfig): Promise<ScenarioResult> {
  const rows: string[][] = [];
  for (const [label, factory] of contenders) {
    const rounds: Round[] = [];
    for (let i = 0; i < config.burstRounds; i++) rounds.push(await round(factory, config.burstCallers));
    const last = rounds[rounds.length - 1]!;
    rows.push([
      label,
      String(last.admitted),
      String(last.ran - last.admitted),
      String(last.ran),
      String(last.rejected),
      formatNs(median(rounds.map((r) => r.settleNs))),
      formatNs(median(rounds.map((r) => r.settleNs / config.burstCallers))),
    ]);
  }
  return {
    tables: [
      {
        title: `4. Half-open: ${config.burstCallers.toLocaleString('en')} concurrent callers (median of ${config.burstRounds} rounds)`,
        header: [
          'library',
          'runs while probe in flight',
          'held, run after probe',
          'callee runs in all',
          'rejected',
          'time to settle',
          'per caller',
        ],
        rows,
        notes: [
          'every library lets only its probe run while the probe is in flight; they differ in what the other callers get',
          'tripstate and opossum reject the other callers at once; cockatiel rejects none: it holds them on the probe and runs every one of them once the probe closes the circuit',
        ],
      },
    ],
    targets: [],
  };
}
