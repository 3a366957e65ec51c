import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SnapshotError, createBreaker } from '../src/index.js';
import { fail } from './helpers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('persistence of one breaker', () => {
  it('restores an open breaker that still goes half-open when its remaining backoff ends', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 10_000 });
    fail(breaker);
    breaker.tryAcquire();
    vi.advanceTimersByTime(4_000);
    const saved = roundTrip(breaker.getPersistedSnapshot());
    breaker.stop();
    const restored = createBreaker({ failureThreshold: 1, minBackoffMs: 10_000, snapshot: saved });
    expect(restored.diagnostics()).toMatchObject({
      state: 'open',
      remainingBackoffMs: 6_000,
      deniedRequests: 1,
      openCount: 1,
    });
    vi.advanceTimersByTime(5_999);
    expect(restored.state).toBe('open');
    vi.advanceTimersByTime(1);
    expect(restored.state).toBe('halfOpen');
  });

  it('restores a breaker whose backoff ended while it was down as ready to probe', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 1_000 });
    fail(breaker);
    const saved = roundTrip(breaker.getPersistedSnapshot());
    vi.setSystemTime(Date.now() + 60_000);
    const restored = createBreaker({ failureThreshold: 1, minBackoffMs: 1_000, snapshot: saved });
    expect(restored.diagnostics().remainingBackoffMs).toBe(0);
    expect(restored.tryAcquire()).toBeDefined();
  });

  it('frees the probe slots of a breaker saved while probing, whose probes died with the process', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 1_000 });
    fail(breaker);
    vi.advanceTimersByTime(1_000);
    const probe = breaker.tryAcquire();
    expect(probe).toBeDefined();
    const restored = createBreaker({
      failureThreshold: 1,
      minBackoffMs: 1_000,
      snapshot: roundTrip(breaker.getPersistedSnapshot()),
    });
    expect(restored.diagnostics()).toMatchObject({ state: 'halfOpen', probesInFlight: 0 });
    expect(restored.tryAcquire()).toBeDefined();
  });

  it('runs a restored breaker with the new options, not the saved ones', () => {
    const breaker = createBreaker({ failureThreshold: 5 });
    fail(breaker, 2);
    const restored = createBreaker({
      failureThreshold: 3,
      snapshot: roundTrip(breaker.getPersistedSnapshot()),
    });
    fail(restored);
    expect(restored.state).toBe('open');
  });

  const good = () => {
    const breaker = createBreaker({ failureThreshold: 1 });
    fail(breaker);
    return roundTrip(breaker.getPersistedSnapshot()) as Record<string, unknown> & {
      context: Record<string, unknown>;
    };
  };
  const corrupt: [string, (s: ReturnType<typeof good>) => unknown, string][] = [
    ['not an object', () => 'open', '(root)'],
    ['null', () => null, '(root)'],
    ['a stopped actor', (s) => ({ ...s, status: 'done' }), 'status'],
    ['an unknown state', (s) => ({ ...s, value: { open: 'nowhere' } }), 'value'],
    ['a missing context', (s) => ({ ...s, context: undefined }), 'context'],
    [
      'a negative counter',
      (s) => ({ ...s, context: { ...s.context, failureCount: -1 } }),
      'context.failureCount',
    ],
    ['a string time', (s) => ({ ...s, context: { ...s.context, retryAt: '1000' } }), 'context.retryAt'],
    [
      'an open state without retryAt',
      (s) => ({ ...s, context: { ...s.context, retryAt: null } }),
      'context.retryAt',
    ],
    [
      'an unknown category',
      (s) => ({ ...s, context: { ...s.context, lastErrorCategory: 'doom' } }),
      'context.lastErrorCategory',
    ],
  ];
  it.each(corrupt)('refuses %s with a SnapshotError naming where', (_, mutate, path) => {
    const attempt = () => createBreaker({ snapshot: mutate(good()) });
    expect(attempt).toThrow(SnapshotError);
    expect(attempt).toThrow(
      path === '(root)' ? /at \(root\)/ : new RegExp(`at ${path.replace('.', '\\.')}:`),
    );
  });

  it('copies nothing but known fields from a hostile snapshot', () => {
    const hostile = JSON.parse(
      JSON.stringify(good()).replace('"context":{', '"context":{"__proto__":{"polluted":true},"extra":1,'),
    );
    const restored = createBreaker({ failureThreshold: 1, snapshot: hostile });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(restored.getPersistedSnapshot().context)).not.toContain('extra');
  });
});
