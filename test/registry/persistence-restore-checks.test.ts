import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SnapshotError, createBreaker, createRegistry } from '../../src/index.js';
import { fail } from '../helpers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const DAY_MS = 86_400_000;
const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function openSnapshot(retryInMs: number, generation = 2): unknown {
  const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 1_000 });
  fail(breaker);
  const saved = roundTrip(breaker.getPersistedSnapshot()) as {
    context: { retryAt: number; generation: number };
  };
  breaker.stop();
  saved.context.retryAt = Date.now() + retryInMs;
  saved.context.generation = generation;
  return saved;
}

describe('restore checks', () => {
  it('opens a restored circuit whose retryAt is 40 days ahead for at most maxBackoffMs, without a Node warning', () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      vi.useRealTimers(); // Node's own timers are the ones that overflow
      const breaker = createBreaker({
        failureThreshold: 1,
        minBackoffMs: 1_000,
        maxBackoffMs: 60_000,
        snapshot: openSnapshot(40 * DAY_MS),
      });
      expect(breaker.state).toBe('open');
      const remaining = breaker.diagnostics().remainingBackoffMs as number;
      expect(remaining).toBeGreaterThan(59_000);
      expect(remaining).toBeLessThanOrEqual(60_000);
      breaker.stop();
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
  });

  it('stays open after a restore from 40 days ahead until maxBackoffMs has passed, then half-opens', () => {
    const breaker = createBreaker({
      failureThreshold: 1,
      minBackoffMs: 1_000,
      maxBackoffMs: 60_000,
      snapshot: openSnapshot(40 * DAY_MS),
    });
    vi.advanceTimersByTime(59_999);
    expect(breaker.state).toBe('open');
    vi.advanceTimersByTime(1);
    expect(breaker.state).toBe('halfOpen');
  });

  it('keeps a restored retryAt that is within maxBackoffMs as it was', () => {
    const breaker = createBreaker({
      failureThreshold: 1,
      minBackoffMs: 1_000,
      maxBackoffMs: 60_000,
      snapshot: openSnapshot(30_000),
    });
    expect(breaker.diagnostics().remainingBackoffMs).toBe(30_000);
  });

  it('clamps a registry tool restored 40 days ahead to its own maxBackoffMs', () => {
    const registry = createRegistry({
      defaults: { failureThreshold: 1, minBackoffMs: 1_000, maxBackoffMs: 10_000 },
      snapshot: { format: 'tripstate.registry', version: 1, tools: [['shell', openSnapshot(40 * DAY_MS)]] },
    });
    expect(registry.diagnostics('shell').remainingBackoffMs).toBe(10_000);
    registry.stop();
  });

  it('refuses a generation too close to the end of the safe integers to keep advancing', () => {
    for (const generation of [Number.MAX_SAFE_INTEGER, 2 ** 52 + 1]) {
      expect(() => createBreaker({ snapshot: openSnapshot(1_000, generation) })).toThrow(SnapshotError);
      expect(() => createBreaker({ snapshot: openSnapshot(1_000, generation) })).toThrow(
        /context\.generation/,
      );
    }
    expect(createBreaker({ snapshot: openSnapshot(1_000, 2 ** 52) }).state).toBe('open');
  });
});
