/**
 * The window options of a breaker (`window`, and the rate rules that need one): their shape
 * checked and resolved into the chart's `WindowConfig` and thresholds.
 */
import type { BreakerConfig } from '../machines/breaker.types.js';
import type { WindowConfig } from '../machines/breaker.window.js';
import { checkOptionNames } from './option-checks.js';
import { duration, fail, integer, rate, show } from './option-values.js';
import type { BreakerOptions } from './options.js';

const WINDOW_RATE_OPTIONS = [
  'failureRateThreshold',
  'minimumCalls',
  'slowCallDurationMs',
  'slowCallRateThreshold',
] as const;

function windowShape(value: unknown): WindowConfig | null {
  if (value === undefined) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`tripstate: option window must be { calls } or { ms, buckets? }, got ${show(value)}`);
  }
  const w = value as Record<string, unknown>;
  if ('calls' in w) {
    checkOptionNames('window option', w, ['calls']);
    const calls = integer('window.calls', w.calls, 0, 1);
    if (calls > 1_000_000) fail('window.calls', calls, 'an integer in [1, 1000000]');
    return { kind: 'count', size: calls, bucketMs: 0 };
  }
  checkOptionNames('window option', w, ['ms', 'buckets']);
  if (w.ms === undefined) throw new TypeError('tripstate: option window needs calls or ms');
  const ms = duration('window.ms', w.ms, 0, 1);
  const buckets = integer('window.buckets', w.buckets, 10, 1);
  if (buckets > 10_000) fail('window.buckets', buckets, 'an integer in [1, 10000]');
  return { kind: 'time', size: buckets, bucketMs: ms / buckets };
}

/** The window and its rate rules; the rate options need a window. */
export function windowConfig(options: BreakerOptions, d: BreakerConfig) {
  const window = windowShape(options.window);
  if (window === null) {
    const stray = WINDOW_RATE_OPTIONS.find((name) => options[name] !== undefined);
    if (stray !== undefined) throw new TypeError(`tripstate: option ${stray} needs option window`);
  }
  const minimumCalls = integer('minimumCalls', options.minimumCalls, d.minimumCalls, 1);
  return {
    window,
    failureRateThreshold: rate('failureRateThreshold', options.failureRateThreshold, d.failureRateThreshold),
    minimumCalls: window?.kind === 'count' ? Math.min(minimumCalls, window.size) : minimumCalls,
    slowCallDurationMs:
      options.slowCallDurationMs === undefined
        ? null
        : duration('slowCallDurationMs', options.slowCallDurationMs, 0, 0),
    slowCallRateThreshold: rate(
      'slowCallRateThreshold',
      options.slowCallRateThreshold,
      d.slowCallRateThreshold,
    ),
  };
}
