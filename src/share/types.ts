/**
 * The `share` interface: how breakers in many processes keep one state per tool. The core
 * holds no client; `tripstate/redis` implements it over Redis, `memoryShare` in memory (tests).
 */
import type { OpenReason } from '../../machines/breaker.types.js';
import type { FleetWindowRule } from './window.js';

/** Whether the share answers: `connected`, or `degraded` (each process decides alone until it returns). */
export type ShareStatus = 'connected' | 'degraded';

/**
 * One tool's shared record, as a write script returns it or a message pushes it. Durations
 * are remaining milliseconds measured on the share's own clock, never absolute times.
 */
export interface FleetRecord {
  readonly tool: string;
  /** The fencing token: increases on every fleet-wide opening, closing and reset. 0: never opened. */
  readonly generation: number;
  readonly state: 'closed' | 'open' | 'isolated';
  /** Why the record is in its state: the opening's reason, `closed`, `reset`, `isolated` or `released`. */
  readonly reason: OpenReason | 'closed' | 'reset' | 'isolated' | 'released';
  /** Milliseconds left of the opening's backoff (0 when closed or elapsed). */
  readonly remainingMs: number;
  /** Milliseconds of the fleet's current backoff before jitter (0 when closed). */
  readonly backoffMs: number;
  /** Milliseconds left of the probe lease some process holds (0: none). */
  readonly leaseMs: number;
  /** Consecutive counted failures of the whole fleet while closed. */
  readonly failures: number;
  /** Calls in the fleet's outcome window (0 without a window: see `FleetWindowRule`). */
  readonly windowCalls: number;
  /** Counted failures in the fleet's outcome window. */
  readonly windowFailures: number;
  /** Slow calls in the fleet's outcome window. */
  readonly windowSlow: number;
}

/** What a share tells the process that opened a session. Called outside any call's path. */
export interface ShareHandlers {
  /** A record changed (pushed by any process, this one included). */
  record(record: FleetRecord): void;
  /** The share became reachable (`connected`) or not (`degraded`, with the error). */
  status(status: ShareStatus, error?: unknown): void;
}

/** Outcomes of one tool aggregated locally since the last flush. */
export interface OutcomeBatch {
  readonly successes: number;
  /** Counted failures, all after the batch's successes. */
  readonly failures: number;
  /** Slow calls among the batch's outcomes (for the fleet's window). @default 0 */
  readonly slow?: number;
}

/** What a batch is counted against: the consecutive-failure rule and, with a window, the rate rule. */
export interface ReportRule {
  readonly failureThreshold: number;
  /** Milliseconds of the backoff an opening by the fleet's counts starts. */
  readonly backoffMs: number;
  /** The fleet window's shape and rates; absent or null: consecutive failures only. */
  readonly window?: FleetWindowRule | null;
}

/** A session of one process with the share. Every method settles within the share's command timeout. */
export interface ShareSession {
  /** Every record not closed and untouched (open, or closed with failures counted). */
  load(): Promise<FleetRecord[]>;
  /**
   * Applies a batch to the fleet's consecutive count and, with `rule.window`, adds it to the fleet's
   * window in the bucket of the share's clock; opens the record when the count reaches
   * `failureThreshold` (reason `threshold`) or the window's rate reaches its threshold with at
   * least `minimumCalls` calls (`failureRate`, then `slowCallRate`).
   */
  report(tool: string, batch: OutcomeBatch, rule: ReportRule): Promise<FleetRecord>;
  /**
   * Publishes a local opening: succeeds only while the record's generation is `expected`
   * (null: this process has no view, so only a closed record opens). Else returns the record.
   */
  open(
    tool: string,
    expected: number | null,
    opening: { readonly reason: OpenReason; readonly backoffMs: number; readonly remainingMs: number },
  ): Promise<FleetRecord>;
  /** Takes the probe lease of generation `generation` for `leaseMs` under `token` (SET NX PX). */
  claimProbe(
    tool: string,
    generation: number,
    token: string,
    leaseMs: number,
  ): Promise<{ readonly granted: boolean; readonly record: FleetRecord }>;
  /**
   * Closes the record: only with the live lease `token` (or, with null, no lease at all) and the
   * current `generation`. Refused, it changes nothing and returns the record.
   */
  close(tool: string, generation: number, token: string | null): Promise<FleetRecord>;
  /** Resets the record (closed, counters cleared) under a new generation. */
  reset(tool: string): Promise<FleetRecord>;
  /** Isolates the record for the fleet (an operator's `isolate()`): always, under a new generation. */
  isolate(tool: string): Promise<FleetRecord>;
  /**
   * Releases the fleet's isolation of generation `generation` (closed, counters cleared, a new
   * generation). Refused when the record is not that isolation: it changes nothing and returns the record.
   */
  release(tool: string, generation: number): Promise<FleetRecord>;
  /** Ends the session: unsubscribes and closes connections it opened. */
  end(): Promise<void>;
}

/** A fleet share, passed as `createRegistry({ share })` or `createBreaker({ share, name })`. */
export interface FleetShare {
  /** Opens a session. Must not throw: an unreachable share reports `degraded` through `handlers`. */
  open(handlers: ShareHandlers): ShareSession;
  /**
   * Milliseconds between flushes of the locally aggregated outcomes: the bound on how late a
   * fleet-wide trip by counts can be (a failure flushes at once). @default 50
   */
  readonly flushIntervalMs?: number;
}

/** True when `value` looks like a `FleetShare` (an object with an `open` function). @internal */
export function isFleetShare(value: unknown): value is FleetShare {
  return (
    typeof value === 'object' && value !== null && typeof (value as { open?: unknown }).open === 'function'
  );
}
