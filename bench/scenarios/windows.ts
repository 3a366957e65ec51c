/**
 * Scenario 9: failure-rate windows and call timeouts. A closed breaker with a 100-call window
 * on a successful call against the `fn().then` floor; a failing call below the thresholds (a
 * success and a failure, so the rate stays at 0.5 below 0.6) against cockatiel's
 * SamplingBreaker; `timeoutMs` against cockatiel's timeout wrapped around its breaker; heap per
 * windowed breaker, and 100,000 registry tools with a 100-call window each.
 */
import {
  circuitBreaker,
  ConsecutiveBreaker,
  handleAll,
  SamplingBreaker,
  timeout,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import type { BenchConfig } from '../config.js';
import { HOUR_MS } from '../contenders.js';
import { formatBytes, formatNs, type ScenarioResult, type Target } from '../report.js';
import { interleavedMedianNs, liveBytes, nowNs } from '../stats.js';
import { timedTable, type Timing } from '../timed.js';
import { succeed } from '../workload.js';
import { isolatedRounds, medianOf, pairedDifference, runIsolated, spreadOf } from '../windows/rounds.js';
import { floor, pair, WINDOW } from '../windows/variants.js';
import { createBreaker, createRegistry } from '../../src/index.js';

/** Bytes held by `count` live objects from `make` (heap and array buffers), per object, after a full collection. */
function bytesPer<T>(count: number, make: () => T): { perItem: number; items: T[] } {
  const before = liveBytes();
  const items = Array.from({ length: count }, make);
  const after = liveBytes();
  return { perItem: (after - before) / count, items };
}

export async function windows(config: BenchConfig): Promise<ScenarioResult> {
  const plain = createBreaker({ failureThreshold: 5, minBackoffMs: HOUR_MS });
  const windowed = createBreaker(WINDOW);
  // The same breaker with its actor running (as once it has opened and closed again, or when
  // read through `breaker.actor`): results then go to the chart unless it would only record them.
  const awake = createBreaker(WINDOW);
  void awake.actor;
  const timed = createBreaker({ failureThreshold: 5, minBackoffMs: HOUR_MS, timeoutMs: 10_000 });
  const cockatielPlain = circuitBreaker(handleAll, {
    halfOpenAfter: HOUR_MS,
    breaker: new ConsecutiveBreaker(5),
  });
  const sampling = circuitBreaker(handleAll, {
    halfOpenAfter: HOUR_MS,
    breaker: new SamplingBreaker({ threshold: 0.6, duration: 10_000 }),
  });
  const cockatielTimed = wrap(
    timeout(10_000, TimeoutStrategy.Aggressive),
    circuitBreaker(handleAll, { halfOpenAfter: HOUR_MS, breaker: new ConsecutiveBreaker(5) }),
  );

  const ok = await interleavedMedianNs(config, {
    bare: () => succeed(),
    floor,
    plain: () => plain.execute(succeed),
    windowed: () => windowed.execute(succeed),
    timed: () => timed.execute(succeed),
    cockatiel: () => cockatielPlain.execute(succeed),
    cockatielTimed: () => cockatielTimed.execute(succeed),
  });
  const failing = await interleavedMedianNs(config, {
    bare: () => pair((fn) => fn()),
    windowed: () => pair((fn) => windowed.execute(fn)),
    awake: () => pair((fn) => awake.execute(fn)),
    sampling: () => pair((fn) => sampling.execute(fn)),
  });
  const runs = runIsolated(config, ['floor', 'plain', 'windowed', 'windowedPair', 'samplingPair']);
  const alone = {
    floor: medianOf(runs, 'floor'),
    plain: medianOf(runs, 'plain'),
    windowed: medianOf(runs, 'windowed'),
    windowedPair: medianOf(runs, 'windowedPair'),
    samplingPair: medianOf(runs, 'samplingPair'),
  };
  const [floorLow, floorHigh] = spreadOf(runs, 'floor');
  const rounds = isolatedRounds(config);
  const state = windowed.diagnostics();
  for (const breaker of [plain, windowed, awake, timed]) breaker.stop();

  // The same options with and without the window, each breaker given its own copy; both sets
  // stay alive until both are measured (a stopped breaker's garbage would lower the second).
  const count = config.smoke ? 100 : 4_000;
  const { window: _window, failureRateThreshold: _rate, ...withoutWindow } = WINDOW;
  const plainBytes = bytesPer(count, () => createBreaker({ ...withoutWindow }));
  const windowedBytes = bytesPer(count, () => createBreaker({ ...WINDOW }));
  for (const b of [...plainBytes.items, ...windowedBytes.items]) b.stop();
  const windowBytes = windowedBytes.perItem - plainBytes.perItem;

  const tools = config.smoke ? 1_000 : 100_000;
  const names = Array.from({ length: tools }, (_, i) => `server-${i % 97}/tool-${i}`);
  const before = liveBytes();
  const registry = createRegistry({ defaults: WINDOW, maxTools: tools });
  const start = nowNs();
  for (const name of names) registry.tryAcquire(name)?.failure('network');
  const registerNs = nowNs() - start;
  const bytesAfter = liveBytes();
  registry.stop();

  const bare: Timing = { label: 'bare await fn()', ns: ok.bare };
  const t = (label: string, ns: number): Timing => ({ label, ns });
  const pairBare: Timing = { label: 'bare: a success and a failure', ns: failing.bare };
  // Within each round, the windowed call against the floor measured just before it.
  const within = pairedDifference(runs, 'windowed', 'floor');
  const pairGap = pairedDifference(runs, 'windowedPair', 'samplingPair');
  const targets: Target[] = [
    {
      goal: '9a: 100-call window, closed success within 25 ns of fn().then (a process each)',
      measured: `${within >= 0 ? '+' : ''}${formatNs(within)} (median of ${rounds} rounds' differences; medians ${formatNs(alone.windowed)} vs ${formatNs(alone.floor)}, no window ${formatNs(alone.plain)})`,
      met: within <= 25,
    },
    {
      goal: '9b: failing call below the thresholds no slower than cockatiel SamplingBreaker (a process each)',
      measured: `${formatNs(alone.windowedPair)} vs ${formatNs(alone.samplingPair)} per success + failure (median difference ${formatNs(pairGap)})`,
      met: pairGap <= 0,
    },
    {
      goal: '9c: timeoutMs closed success no slower than cockatiel timeout + breaker',
      measured: `${formatNs(ok.timed)} vs ${formatNs(ok.cockatielTimed)}`,
      met: ok.timed <= ok.cockatielTimed,
    },
    {
      goal: '9d: a 100-call window adds < 1 KiB per breaker (heap and array buffers)',
      measured: `${formatBytes(windowBytes)} (breaker with window ${formatBytes(windowedBytes.perItem)}, without ${formatBytes(plainBytes.perItem)})`,
      met: windowBytes < 1_024,
    },
    {
      goal: `8e: ${tools.toLocaleString('en')} registry tools with a 100-call window, < 300 MB (heap and array buffers)`,
      measured: `${formatBytes(bytesAfter)} (registry ${formatBytes(bytesAfter - before)}), ${formatNs(registerNs)} to register`,
      met: bytesAfter < 300 * 1_048_576,
    },
  ];
  return {
    tables: [
      timedTable(
        '9a. Closed breaker, successful call: no window, a 100-call window, a timeout',
        bare,
        [
          t('reference: fn().then(ok, fail), no breaker', ok.floor),
          t('tripstate execute, no window', ok.plain),
          t('tripstate execute, 100-call window', ok.windowed),
          t('tripstate execute, timeoutMs 10 s', ok.timed),
          t('cockatiel execute (ConsecutiveBreaker)', ok.cockatiel),
          t('cockatiel timeout(10 s, aggressive) + breaker', ok.cockatielTimed),
          t('a process each: fn().then floor', alone.floor),
          t('a process each: tripstate, no window', alone.plain),
          t('a process each: tripstate, 100-call window', alone.windowed),
        ],
        [
          `median of ${config.rounds} interleaved rounds each`,
          `a process each: every variant alone in a fresh process, warmed up, median of ${rounds} interleaved rounds; the targets use the median of the differences within each round`,
          `a process each: the floor spread from ${formatNs(floorLow)} to ${formatNs(floorHigh)} over the rounds`,
        ],
      ),
      timedTable(
        '9b. A success and a failure below the thresholds (rate 0.5 < 0.6)',
        pairBare,
        [
          t('tripstate, 100-call window', failing.windowed),
          t('tripstate, 100-call window, actor running', failing.awake),
          t('cockatiel SamplingBreaker (10 s)', failing.sampling),
          t('a process each: tripstate, 100-call window', alone.windowedPair),
          t('a process each: cockatiel SamplingBreaker (10 s)', alone.samplingPair),
        ],
        [
          `tripstate ended ${state.state}, failure rate ${String(state.failureRate)} over ${state.windowCalls} calls`,
          `median of ${config.rounds} interleaved rounds each`,
        ],
      ),
    ],
    targets,
  };
}
