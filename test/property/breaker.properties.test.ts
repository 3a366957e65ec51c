/**
 * Properties of the runtime under random sequences of acquisitions (many permits in flight),
 * results of any category, time, reset, isolate and release.
 */
import { describe, expect } from 'vitest';
import { fc, it } from '@fast-check/vitest';
import { DEFAULT_TRIP_CATEGORIES } from '../../machines/index.js';
import { configArb, opsArb, RUNS } from './arbitraries.js';
import { apply, drive } from './driver.js';

const params = { numRuns: RUNS };

describe('breaker properties', () => {
  it.prop([configArb, opsArb], params)(
    'never has more permits in flight while half-open than halfOpenProbes',
    (config, ops) => {
      const driven = drive(config);
      for (const op of ops) {
        apply(driven, op);
        const { state, probesInFlight, generation } = driven.breaker.diagnostics();
        if (state !== 'halfOpen') continue;
        expect(probesInFlight).toBeLessThanOrEqual(config.halfOpenProbes);
        const current = driven.held.filter((permit) => permit.generation === generation);
        expect(current.length).toBeLessThanOrEqual(config.halfOpenProbes);
        expect(current.length).toBe(probesInFlight);
      }
    },
  );

  it.prop([configArb, opsArb], params)(
    'grants no permit while open before the backoff has elapsed, nor while isolated',
    (config, ops) => {
      const driven = drive(config);
      for (const op of ops) {
        const { state, remainingBackoffMs } = driven.breaker.diagnostics();
        const granted = apply(driven, op).filter(Boolean);
        if (state === 'isolated' || (state === 'open' && (remainingBackoffMs ?? 0) > 0)) {
          expect(granted).toEqual([]);
        }
      }
    },
  );

  it.prop([configArb.map((c) => ({ ...c, halfOpenProbes: 1 })), opsArb], params)(
    'keeps every backoff within [min, max] and never shortens it across consecutive failed probes',
    (config, ops) => {
      const driven = drive(config);
      for (const op of ops) {
        const { currentBackoffMs: before, state: stateBefore } = driven.breaker.diagnostics();
        apply(driven, op);
        const { currentBackoffMs, state } = driven.breaker.diagnostics();
        if (state === 'open') {
          expect(currentBackoffMs).toBeGreaterThanOrEqual(config.minBackoffMs);
          expect(currentBackoffMs).toBeLessThanOrEqual(config.maxBackoffMs);
        }
        if (stateBefore === 'halfOpen' && state === 'open') {
          expect(currentBackoffMs).toBeGreaterThanOrEqual(before);
        }
      }
      for (const event of driven.emitted) {
        if (event.type === 'opened' && event.reason !== 'threshold') {
          expect(event.backoffMs).toBeGreaterThanOrEqual(config.minBackoffMs);
        }
      }
    },
  );

  it.prop([configArb, opsArb], params)('a non-counting failure never changes a counter', (config, ops) => {
    const driven = drive(config);
    for (const op of ops) {
      const nonCounting = op.op === 'failure' && !DEFAULT_TRIP_CATEGORIES.includes(op.category);
      const { context: before } = driven.breaker.getSnapshot();
      const state = driven.breaker.state;
      apply(driven, op);
      if (!nonCounting) continue;
      const { context: after } = driven.breaker.getSnapshot();
      const counters = ({
        failureCount,
        openCount,
        halfOpenCount,
        deniedRequests,
        currentBackoffMs,
      }: typeof before) => ({
        failureCount,
        openCount,
        halfOpenCount,
        deniedRequests,
        currentBackoffMs,
      });
      expect(counters(after)).toEqual(counters(before));
      expect(driven.breaker.state).toBe(state);
    }
  });

  it.prop([configArb, opsArb], params)(
    'a result from an older generation changes neither state nor context',
    (config, ops) => {
      const driven = drive(config);
      for (const op of ops) {
        const settles = op.op === 'success' || op.op === 'failure' || op.op === 'release';
        const before = driven.breaker.getSnapshot();
        const permit =
          settles && driven.held.length > 0 ? driven.held[op.permit % driven.held.length] : undefined;
        apply(driven, op);
        if (permit === undefined || permit.generation === before.context.generation) continue;
        const after = driven.breaker.getSnapshot();
        expect(after.value).toEqual(before.value);
        expect(after.context).toEqual(before.context);
      }
    },
  );

  it.prop([configArb, opsArb], params)(
    'counts opens, half-opens and denials exactly as a plain reference count',
    (config, ops) => {
      const driven = drive(config);
      let opened = 0;
      let halfOpened = 0;
      for (const op of ops) {
        const seen = driven.emitted.length;
        apply(driven, op);
        driven.breaker.getSnapshot();
        if (op.op === 'reset') {
          opened = 0;
          halfOpened = 0;
        }
        for (const event of driven.emitted.slice(seen)) {
          if (event.type === 'opened') opened++;
          if (event.type === 'halfOpened') halfOpened++;
        }
        expect(driven.breaker.diagnostics()).toMatchObject({
          openCount: opened,
          halfOpenCount: halfOpened,
          deniedRequests: driven.denied,
        });
      }
    },
  );

  it.prop([fc.double({ min: 1, noNaN: true }), fc.integer({ min: 1, max: 30 })], params)(
    'never shortens the backoff nor passes the maximum over many failed probes, for any factor >= 1',
    (backoffFactor, probes) => {
      const driven = drive({
        failureThreshold: 1,
        halfOpenProbes: 1,
        minBackoffMs: 1,
        maxBackoffMs: 1_000,
        backoffFactor,
        probeTimeoutMs: 10,
      });
      apply(driven, { op: 'acquire', times: 1 });
      apply(driven, { op: 'failure', permit: 0, category: 'network', retryAfterMs: 0 });
      let previous = driven.breaker.diagnostics().currentBackoffMs;
      for (let i = 0; i < probes; i++) {
        driven.clock.advance(driven.breaker.diagnostics().remainingBackoffMs ?? 0);
        apply(driven, { op: 'acquire', times: 1 });
        apply(driven, { op: 'failure', permit: 0, category: 'timeout', retryAfterMs: 0 });
        const { currentBackoffMs, state } = driven.breaker.diagnostics();
        expect(state).toBe('open');
        expect(currentBackoffMs).toBeGreaterThanOrEqual(previous);
        expect(currentBackoffMs).toBeLessThanOrEqual(1_000);
        previous = currentBackoffMs;
      }
    },
  );
});
