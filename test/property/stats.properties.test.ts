/**
 * The cumulative counters (`breaker.stats()`) against a naive reference: every admission,
 * rejection and settled outcome recorded in a list, then summed.
 */
import { describe, expect } from 'vitest';
import { it } from '@fast-check/vitest';
import { DEFAULT_TRIP_CATEGORIES, type ErrorCategory } from '../../machines/index.js';
import type { BreakerEmitted } from '../../src/index.js';
import { configArb, opsArb, RUNS } from './arbitraries.js';
import { apply, drive, take } from './driver.js';

type Recorded =
  | { readonly kind: 'admitted' | 'rejected' | 'released' }
  | { readonly kind: 'success'; readonly durationMs: number | undefined }
  | { readonly kind: 'failure'; readonly category: ErrorCategory; readonly durationMs: number | undefined };

const TARGET: Partial<Record<BreakerEmitted['type'], 'open' | 'halfOpen' | 'closed' | 'isolated'>> = {
  opened: 'open',
  halfOpened: 'halfOpen',
  closed: 'closed',
  isolated: 'isolated',
};

describe('breaker stats', () => {
  it.prop([configArb, opsArb], { numRuns: RUNS })(
    'equal the sums of every admission, rejection, outcome and transition',
    (config, ops) => {
      const driven = drive(config);
      const log: Recorded[] = [];
      for (const op of ops) {
        if (op.op === 'acquire') {
          for (const permit of apply(driven, op)) log.push({ kind: permit ? 'admitted' : 'rejected' });
        } else if (op.op === 'success' || op.op === 'failure' || op.op === 'release') {
          const permit = take(driven, op.permit);
          if (permit === undefined) continue;
          if (op.op === 'success') permit.success(op.durationMs);
          else if (op.op === 'release') permit.release();
          else permit.failure({ category: op.category, retryAfterMs: op.retryAfterMs }, op.durationMs);
          log.push(
            op.op === 'failure'
              ? { kind: 'failure', category: op.category, durationMs: op.durationMs }
              : op.op === 'success'
                ? { kind: 'success', durationMs: op.durationMs }
                : { kind: 'released' },
          );
        } else {
          apply(driven, op);
        }
      }
      const count = (kind: Recorded['kind']): number => log.filter((r) => r.kind === kind).length;
      const failures = log.flatMap((r) => (r.kind === 'failure' ? [r.category] : []));
      const byCategory: Partial<Record<ErrorCategory, number>> = {};
      for (const category of failures) byCategory[category] = (byCategory[category] ?? 0) + 1;
      const transitions = { closed: 0, open: 0, halfOpen: 0, isolated: 0 };
      for (const event of driven.emitted) {
        const target = TARGET[event.type];
        if (target !== undefined) transitions[target]++;
      }
      const limit = config.slowCallDurationMs;
      const slowCalls = log.filter(
        (r) =>
          (r.kind === 'failure' && r.category === 'timeout') ||
          ((r.kind === 'success' || r.kind === 'failure') &&
            limit !== undefined &&
            r.durationMs !== undefined &&
            r.durationMs > limit),
      ).length;
      const counted = failures.filter((c) => DEFAULT_TRIP_CATEGORIES.includes(c)).length;
      expect(driven.breaker.stats()).toEqual({
        calls: count('admitted'),
        successes: count('success'),
        failures: counted,
        ignored: failures.length - counted,
        failuresByCategory: byCategory,
        timeouts: byCategory.timeout ?? 0,
        slowCalls,
        released: count('released'),
        rejections: count('rejected'),
        transitions,
      });
    },
  );
});
