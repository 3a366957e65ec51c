import type { AnyActorRef } from 'xstate';
import type { ErrorCategory } from './categories.js';
import type { OutcomeWindow, WindowConfig } from './breaker.window.js';
import type { FleetEvent, FleetGeneration } from './breaker.fleet.types.js';
import type { BreakerStart } from './breaker.start.js';

/** The resolved, validated configuration a breaker machine runs with. */
export interface BreakerConfig {
  /** Consecutive trip-counting failures in `closed` that open the circuit. */
  readonly failureThreshold: number;
  /** Milliseconds of the first backoff, and the lower clamp of every later one. */
  readonly minBackoffMs: number;
  /** Milliseconds: the upper clamp of the backoff. */
  readonly maxBackoffMs: number;
  /** Multiplier applied to the backoff after each failed probe (>= 1). */
  readonly backoffFactor: number;
  /** Fraction (0..1) of the backoff that may be randomly shaved off; 0 disables jitter. */
  readonly jitter: number;
  /** Calls admitted at once while half-open. */
  readonly halfOpenProbes: number;
  /** Milliseconds a probe may stay unreported before it counts as a failed probe. */
  readonly probeTimeoutMs: number;
  /** Categories that count toward the threshold and fail a probe. */
  readonly tripOn: readonly ErrorCategory[];
  /** The outcome window the rate rules read; null: consecutive failures only. */
  readonly window: WindowConfig | null;
  /** Failure rate (0..1] of the window at which the circuit opens. */
  readonly failureRateThreshold: number;
  /** Calls the window must hold before a rate counts (at most a count window's size). */
  readonly minimumCalls: number;
  /** Milliseconds above which a call is slow; null: only timed-out calls are slow. */
  readonly slowCallDurationMs: number | null;
  /** Slow-call rate (0..1] of the window at which the circuit opens. */
  readonly slowCallRateThreshold: number;
  /** Milliseconds half-open waits idle for a caller before running the health check; null: no health check. */
  readonly healthCheckGraceMs: number | null;
}

/** Everything the breaker remembers: the diagnostics and metrics of one circuit. */
export interface BreakerContext {
  readonly config: BreakerConfig;
  /** Increases on every change of top-level state; results carry the one they were admitted in. */
  readonly generation: number;
  /** Consecutive trip-counting failures seen in `closed`. */
  readonly failureCount: number;
  /** Milliseconds of the current exponential backoff (before jitter); 0 while never opened or after recovery. */
  readonly currentBackoffMs: number;
  /** Epoch milliseconds at which the open circuit admits a probe; null when not open. */
  readonly retryAt: number | null;
  /** Epoch milliseconds of the latest opening; null when closed. */
  readonly openedAt: number | null;
  /** Times the circuit opened (the seed's circuit-open metric). */
  readonly openCount: number;
  /** Times the circuit went half-open (the seed's half-open metric). */
  readonly halfOpenCount: number;
  /** Calls rejected (the seed's denial metric). */
  readonly deniedRequests: number;
  /** Epoch milliseconds of the latest rejection. */
  readonly lastDeniedAt: number | null;
  /** Category of the latest trip-counting failure, kept until a newer one (recovery keeps it; reset clears it). */
  readonly lastErrorCategory: ErrorCategory | null;
  /** Epoch milliseconds of the latest trip-counting failure (the one `lastErrorCategory` names); null before any. */
  readonly lastErrorAt: number | null;
  /** Probe permits granted in this half-open period and not yet reported. */
  readonly probesInFlight: number;
  /** Epoch milliseconds at which the current probe period began; null when not probing. */
  readonly probeStartedAt: number | null;
  /** Calls, failures and slow calls of the window (mutated in place by the runtime); null without a window. */
  readonly window: OutcomeWindow | null;
  /** With a window: probe results counted in this half-open period. */
  readonly probeResults: number;
  /** With a window: failed probes in this half-open period. */
  readonly probeFailures: number;
  /** With a window: slow probes in this half-open period. */
  readonly probeSlowCalls: number;
  /** Epoch milliseconds at which half-open last became idle (no probe in flight); null before. */
  readonly idleSince: number | null;
  /** The newest fleet generation taken from shared state; null until the breaker takes a fleet event (it decides alone). */
  readonly fleetGeneration: FleetGeneration | null;
}

/** Input of `breakerMachine`. */
export interface BreakerInput {
  readonly config: BreakerConfig;
  /** Starts the chart in a given state and context (a restored or waking breaker); none: a new breaker, closed. */
  readonly start?: BreakerStart;
}

/** Batched failures a success carries (`call.succeeded`'s `failedBefore`). */
export interface FailedBefore {
  readonly count: number;
  readonly category: ErrorCategory;
  /** When the latest of them settled (epoch milliseconds). */
  readonly at: number;
}

/** Events the breaker machine accepts. Every `at` is epoch milliseconds supplied by the runtime. */
export type BreakerEvent =
  | {
      readonly type: 'call.requested';
      readonly at: number;
      /** Who is answered `tool.admitted` / `tool.rejected` (a registry driven by events); none: no answer. */
      readonly replyTo?: AnyActorRef;
      /** The tool the answer names. */
      readonly tool?: string;
    }
  | {
      readonly type: 'call.succeeded';
      readonly generation: number;
      readonly at: number;
      /** Milliseconds the call took, when measured (for the slow-call rule). */
      readonly durationMs?: number;
      /**
       * Failures of the same generation that settled before this success (the runtime batched
       * them below the thresholds, each already in the window): recorded first, as a
       * `call.failed` with this `count` and `inWindow` would be, then cleared by the success.
       */
      readonly failedBefore?: FailedBefore;
    }
  | {
      readonly type: 'call.failed';
      readonly generation: number;
      readonly category: ErrorCategory;
      readonly at: number;
      /** Milliseconds the dependency asked us to wait (Retry-After); the opening lasts at least this long. */
      readonly retryAfterMs?: number;
      /** Consecutive failures reported at once (the runtime batches those below the threshold). @default 1 */
      readonly count?: number;
      /** Milliseconds the call took, when measured (for the slow-call rule). */
      readonly durationMs?: number;
      /** The failures are already in the window: the runtime recorded each when it settled. */
      readonly inWindow?: boolean;
    }
  | {
      readonly type: 'call.released';
      readonly generation: number;
      /** When the admission was given back (epoch milliseconds); the runtime always sends it. */
      readonly at?: number;
    }
  | {
      /** Rejections the runtime decided on its own (the machine would only have counted them). */
      readonly type: 'call.rejected';
      readonly state: Exclude<BreakerState, 'closed'>;
      readonly count: number;
      readonly at: number;
    }
  | { readonly type: 'breaker.reset'; readonly at: number }
  | { readonly type: 'breaker.isolate'; readonly at: number }
  | { readonly type: 'breaker.release'; readonly at: number }
  | { readonly type: 'breaker.rearm'; readonly at: number }
  | FleetEvent;

/** The chart's answer to a `call.requested` that carries `replyTo`. */
export type ToolAnswer =
  | {
      readonly type: 'tool.admitted';
      readonly tool: string;
      /** The generation the call runs in: its outcome (`tool.succeeded` …) carries it back. */
      readonly generation: number;
    }
  | {
      readonly type: 'tool.rejected';
      readonly tool: string;
      readonly state: Exclude<BreakerState, 'closed'>;
      /** Milliseconds left before a probe is admitted; null when not open. */
      readonly remainingBackoffMs: number | null;
    };

/**
 * Why the circuit opened. `probeTaken` (with a fleet share only): half-open found the fleet's
 * probe held by another process, and the circuit is open again until that probe's lease ends.
 */
export type OpenReason =
  'threshold' | 'failureRate' | 'slowCallRate' | 'probeFailed' | 'probeTimeout' | 'probeTaken';

/** Why the circuit closed. */
export type CloseReason = 'probeSucceeded' | 'reset' | 'released';

/** The public name of a breaker's state. */
export type BreakerState = 'closed' | 'open' | 'halfOpen' | 'isolated';

/** Events the breaker emits, for `actor.on(type, listener)`. */
export type BreakerEmitted =
  | {
      readonly type: 'opened';
      readonly reason: OpenReason;
      /** Milliseconds until the next probe is admitted. */
      readonly backoffMs: number;
      readonly retryAt: number;
      readonly failureCount: number;
      readonly category: ErrorCategory | null;
      /** True when the opening came from the fleet's shared state, not from this process's calls. */
      readonly remote?: true;
    }
  | { readonly type: 'halfOpened'; readonly at: number }
  | {
      readonly type: 'closed';
      readonly reason: CloseReason;
      /** True when the closing came from the fleet's shared state, not from this process. */
      readonly remote?: true;
    }
  | {
      readonly type: 'rejected';
      readonly state: Exclude<BreakerState, 'closed'>;
      /** Calls rejected (the runtime may report several rejections at once). */
      readonly count: number;
      /** Milliseconds left before a probe is admitted; null when not open. */
      readonly remainingBackoffMs: number | null;
    }
  | {
      readonly type: 'isolated';
      /** True when the isolation came from the fleet's shared state, not from this process. */
      readonly remote?: true;
    }
  | {
      /** The backoff ended and no caller came within the grace: the runtime runs the health check as the probe. */
      readonly type: 'healthCheckStarted';
      readonly generation: number;
      readonly at: number;
    };
