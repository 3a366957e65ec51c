/** A breaker's diagnostics: what its chart's context says, read at one instant. */
import type { SnapshotFrom } from 'xstate';
import { remainingBackoff, windowRates } from '../../machines/breaker.logic.js';
import type { BreakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerContext, BreakerState } from '../../machines/breaker.types.js';
import { windowTotals } from '../../machines/breaker.window.js';
import type { ErrorCategory } from '../../machines/categories.js';

/** What a breaker knows about its circuit. Times are epoch milliseconds, durations milliseconds. */
export interface BreakerDiagnostics {
  readonly state: BreakerState;
  /** True while calls are rejected: open or isolated. */
  readonly isOpen: boolean;
  readonly failureCount: number;
  readonly currentBackoffMs: number;
  /** Milliseconds before a probe is admitted; null unless open. 0 means a call is admitted now. */
  readonly remainingBackoffMs: number | null;
  readonly openedAt: number | null;
  readonly openCount: number;
  readonly halfOpenCount: number;
  readonly deniedRequests: number;
  readonly lastDeniedAt: number | null;
  /** Category of the latest trip-counting failure, kept until a newer one (a recovery keeps it; `reset()` clears it). */
  readonly lastErrorCategory: ErrorCategory | null;
  /** Epoch milliseconds of that failure; null before any. */
  readonly lastErrorAt: number | null;
  readonly probesInFlight: number;
  readonly generation: number;
  /** Failures / calls in the window (0..1); null without a window or below `minimumCalls`. */
  readonly failureRate: number | null;
  /** Slow calls / calls in the window (0..1); null without a window or below `minimumCalls`. */
  readonly slowCallRate: number | null;
  /** Calls in the window now; 0 without a window. */
  readonly windowCalls: number;
}

/** The public name of a state value. */
export function stateName(value: SnapshotFrom<BreakerMachine>['value']): BreakerState {
  // `starting` is transient: a running actor never rests there (it starts a new breaker closed).
  if (typeof value === 'string') return value === 'starting' ? 'closed' : value;
  return 'open' in value ? 'open' : 'halfOpen';
}

/** The diagnostics of a breaker in `state` with `context`, read at time `now`. */
export function diagnosticsOf(state: BreakerState, c: BreakerContext, now: number): BreakerDiagnostics {
  const spec = c.config.window;
  const totals = spec === null || c.window === null ? null : windowTotals(spec, c.window, now);
  const rates = totals === null ? { failureRate: null, slowCallRate: null } : windowRates(c.config, totals);
  return {
    state,
    isOpen: state === 'open' || state === 'isolated',
    failureCount: c.failureCount,
    currentBackoffMs: c.currentBackoffMs,
    remainingBackoffMs: remainingBackoff(c, now),
    openedAt: c.openedAt,
    openCount: c.openCount,
    halfOpenCount: c.halfOpenCount,
    deniedRequests: c.deniedRequests,
    lastDeniedAt: c.lastDeniedAt,
    lastErrorCategory: c.lastErrorCategory,
    lastErrorAt: c.lastErrorAt,
    probesInFlight: c.probesInFlight,
    generation: c.generation,
    failureRate: rates.failureRate,
    slowCallRate: rates.slowCallRate,
    windowCalls: totals?.calls ?? 0,
  };
}
