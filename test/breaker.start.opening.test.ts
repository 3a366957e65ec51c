/**
 * A waking breaker's chart takes the failure that trips it in its first step (`start.outcome`):
 * the same state, context and `opened` event as a chart started closed and sent that failure.
 */
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { breakerMachine, type BreakerEmitted } from '../machines/index.js';
import type { StartOutcome } from '../machines/breaker.start.js';
import { startedOpening } from '../machines/breaker.start.opening.js';
import type { BreakerConfig, BreakerContext } from '../machines/breaker.types.js';
import { createBreaker, createRegistry } from '../src/index.js';
import { resolveBreakerConfig } from '../src/options.js';

type Options = Parameters<typeof resolveBreakerConfig>[0];

const byCount = resolveBreakerConfig({ failureThreshold: 3, minBackoffMs: 100, maxBackoffMs: 400 });
const byRate = resolveBreakerConfig({
  failureThreshold: 10,
  window: { calls: 4 },
  minimumCalls: 2,
  failureRateThreshold: 0.5,
  minBackoffMs: 100,
  maxBackoffMs: 400,
});

/** A closed context as a dormant breaker holds it: `failures` counted failures at times 1, 2, … */
function dormant(config: BreakerConfig, failures: number): BreakerContext {
  const actor = createActor(breakerMachine, { input: { config } }).start();
  for (let i = 1; i <= failures; i++) {
    actor.send({ type: 'call.failed', generation: 1, category: 'network', at: i });
  }
  const { value, context } = actor.getSnapshot();
  actor.stop();
  expect(value).toBe('closed');
  return structuredClone(context);
}

/** The state, context and emitted events of a chart started closed in `context` and sent `outcome`. */
function startedThenSent(config: BreakerConfig, context: BreakerContext, outcome: StartOutcome) {
  const emitted: BreakerEmitted[] = [];
  const actor = createActor(breakerMachine, {
    input: { config, start: { value: 'closed', context: structuredClone(context), at: outcome.at } },
  });
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  actor.send(outcome);
  const { value, context: after } = actor.getSnapshot();
  actor.stop();
  return { value, context: after, emitted };
}

/** The same with `outcome` handed to the chart in its input. */
function startedWith(config: BreakerConfig, context: BreakerContext, outcome: StartOutcome) {
  const emitted: BreakerEmitted[] = [];
  const actor = createActor(breakerMachine, {
    input: { config, start: { value: 'closed', context: structuredClone(context), at: outcome.at, outcome } },
  });
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  const { value, context: after } = actor.getSnapshot();
  actor.stop();
  return { value, context: after, emitted };
}

const failure = (generation: number, at: number, extra: Partial<StartOutcome> = {}): StartOutcome => ({
  type: 'call.failed',
  generation,
  category: 'network',
  at,
  ...extra,
});

describe('a chart started with the failure that wakes it', () => {
  it.each([
    ['the failure threshold', byCount, 2, {}],
    ['the failure threshold, with a Retry-After', byCount, 2, { retryAfterMs: 250 }],
    ['a batch of failures', byCount, 0, { count: 3 }],
    ['the failure rate of its window', byRate, 1, {}],
  ] as const)(
    'opens in its first step on %s, as a chart started closed and sent that failure does',
    (_name, config, failures, extra) => {
      const context = dormant(config, failures);
      const outcome = failure(context.generation, 50, extra);
      const expected = startedThenSent(config, context, outcome);
      const started = startedWith(config, context, outcome);
      expect(expected.value).toEqual({ open: 'cooling' });
      expect(started).toEqual(expected);
      expect(started.context.generation).toBe(context.generation + 1);
      expect(started.emitted).toHaveLength(1);
    },
  );

  it('opens by the reason the rate gives: failureRate, not threshold', () => {
    const context = dormant(byRate, 1);
    const { emitted } = startedWith(byRate, context, failure(context.generation, 50));
    expect(emitted[0]).toMatchObject({ type: 'opened', reason: 'failureRate', category: 'network' });
  });

  it('does not record a failure that does not trip: it starts closed in a new generation', () => {
    const context = dormant(byCount, 0);
    const started = startedWith(byCount, context, failure(context.generation, 50));
    expect(started.value).toBe('closed');
    expect(started.context).toEqual({ ...context, generation: context.generation + 1 });
    expect(started.emitted).toEqual([]);
  });

  it('ignores a failure of an older generation in the same way', () => {
    const context = dormant(byCount, 2);
    const started = startedWith(byCount, context, failure(context.generation - 1, 50));
    expect(started.value).toBe('closed');
    expect(started.context.failureCount).toBe(2);
  });

  it('ignores the outcome when the start is not closed', () => {
    const context = dormant(byCount, 2);
    const open = startedThenSent(byCount, context, failure(context.generation, 50));
    const emitted: BreakerEmitted[] = [];
    const actor = createActor(breakerMachine, {
      input: {
        config: byCount,
        start: {
          value: { open: 'cooling' },
          context: open.context,
          at: 60,
          outcome: failure(open.context.generation, 60),
        },
      },
    });
    actor.on('*', (event) => emitted.push(event));
    actor.start();
    expect(actor.getSnapshot().value).toEqual({ open: 'cooling' });
    expect(actor.getSnapshot().context.failureCount).toBe(open.context.failureCount);
    expect(emitted).toEqual([]);
    actor.stop();
  });
});

describe('startedOpening: the opened event read back from the open context', () => {
  it.each([
    [
      'with jitter, at a fractional time',
      { failureThreshold: 1, jitter: 0.5, minBackoffMs: 100, maxBackoffMs: 10_000 },
      1_700_000_000_000.37,
      {},
    ],
    [
      'with a Retry-After longer than the backoff',
      { failureThreshold: 1, minBackoffMs: 100, maxBackoffMs: 400 },
      1_700_000_000_000.37,
      { retryAfterMs: 3_333.3 },
    ],
    [
      'by the failure rate',
      { failureThreshold: 10, window: { calls: 4 }, minimumCalls: 1, minBackoffMs: 100, maxBackoffMs: 400 },
      5,
      {},
    ],
  ] as const)('equals the event tripCircuit emitted (%s)', (_name, options: Options, at, extra) => {
    const config = resolveBreakerConfig(options);
    for (let i = 0; i < 20; i++) {
      const context = dormant(config, 0);
      const outcome = failure(context.generation, at, extra);
      const started = startedWith(config, context, outcome);
      expect(started.value).toEqual({ open: 'cooling' });
      expect(started.emitted).toEqual([startedOpening(started.context, outcome)]);
    }
  });
});

describe('a woken breaker, once its actor runs', () => {
  it('keeps neither the dormant context nor the failure it woke from in its actor input', () => {
    const breaker = createBreaker({ failureThreshold: 2, minBackoffMs: 100 });
    breaker.tryAcquire()?.failure('network');
    expect(breaker.dormant).toBe(true);
    breaker.tryAcquire()?.failure('network');
    expect(breaker.state).toBe('open');
    expect(breaker.actor.options.input).toEqual({ config: breaker.config });
    breaker.stop();
  });

  it('announces its opening to the registry and the breaker listeners, once each', () => {
    const registry = createRegistry({ defaults: { failureThreshold: 1, minBackoffMs: 100 } });
    const heard: string[] = [];
    registry.on('opened', (event) => heard.push(`registry ${event.tool} ${event.reason}`));
    registry.breaker('search').on('opened', (event) => heard.push(`breaker ${event.category}`));
    registry.tryAcquire('search')?.failure('network');
    expect(registry.state('search')).toBe('open');
    expect(heard.sort()).toEqual(['breaker network', 'registry search threshold']);
    expect(registry.breaker('search').actor.options.input).toEqual({
      config: registry.breaker('search').config,
    });
    registry.stop();
  });
});

describe('a dormant breaker woken by a failure that trips a time window', () => {
  it('opens even when its clock moves on between two reads of the same failure', () => {
    // Each read of the clock is 1 ms later: the window's oldest failure (at 0) leaves it at 1,000.
    let t = 0;
    const clock = { now: () => t++, setTimeout: () => 0, clearTimeout: () => undefined };
    const breaker = createBreaker({
      failureThreshold: 10,
      window: { ms: 1_000, buckets: 10 },
      minimumCalls: 2,
      failureRateThreshold: 0.5,
      minBackoffMs: 100,
      clock,
    });
    breaker.tryAcquire()?.failure('network');
    const permit = breaker.tryAcquire();
    t = 999;
    permit?.failure('network');
    expect(breaker.state).toBe('open');
    expect(breaker.failureCount).toBe(2);
    breaker.stop();
  });
});
