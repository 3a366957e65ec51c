/** Scenario 6: creating a breaker (and disposing of it, where a library needs that). */
import CircuitBreaker from 'opossum';
import { do_not_optimize } from 'mitata';
import type { BenchConfig } from '../config.js';
import { cockatielBreaker } from '../contenders.js';
import { createBreaker } from '../../src/index.js';
import { formatNs, formatRatio, type ScenarioResult } from '../report.js';
import { medianNs } from '../stats.js';
import { succeed } from '../workload.js';

/** tripstate's defaults: 5 failures, 5 s open. */
const shape = { threshold: 5, openMs: 5_000 };

export async function creation(config: BenchConfig): Promise<ScenarioResult> {
  const timings: [string, number][] = [
    ['tripstate createBreaker()', await medianNs(config, () => do_not_optimize(createBreaker()))],
    ['tripstate createBreaker() + stop()', await medianNs(config, () => createBreaker().stop())],
    ['cockatiel circuitBreaker()', await medianNs(config, () => do_not_optimize(cockatielBreaker(shape)))],
    [
      'opossum new CircuitBreaker() + shutdown()',
      await medianNs(config, () =>
        new CircuitBreaker(succeed, { timeout: false, rollingPercentilesEnabled: false }).shutdown(),
      ),
    ],
  ];
  const cockatiel = timings[2]![1];
  return {
    tables: [
      {
        title: '6. Creating a breaker',
        header: ['variant', 'median/op', '× cockatiel'],
        rows: timings.map(([label, ns]) => [label, formatNs(ns), formatRatio(ns / cockatiel)]),
        notes: [
          'opossum starts a rolling-window interval per breaker, so it is measured with shutdown(); an unstopped one never becomes garbage',
        ],
      },
    ],
    targets: config.smoke
      ? []
      : [
          {
            goal: '6. createBreaker() (dormant until its chart has work): < 1 µs',
            measured: formatNs(timings[0]![1]),
            met: timings[0]![1] < 1_000,
          },
        ],
  };
}
