/**
 * The rules of the shared records, in memory: what each write script does, step for step (the
 * Lua scripts of `tripstate/redis` implement the same rules on the server, with its clock).
 */
import type { OpenReason } from '../../machines/breaker.types.js';
import type { FleetRecord, OutcomeBatch, ReportRule } from './types.js';
import {
  bucketOf,
  fleetRateReached,
  fleetTotals,
  pruneBuckets,
  type FleetBuckets,
  type FleetWindowRule,
  type FleetWindowTotals,
} from './window.js';

interface Entry {
  generation: number;
  state: FleetRecord['state'];
  reason: FleetRecord['reason'];
  /** On the ledger's clock (milliseconds). */
  until: number;
  backoffMs: number;
  failures: number;
  lease: { token: string; until: number } | null;
  /** The window's shape, as the last report that carried one gave it. */
  windowRule: FleetWindowRule | null;
  buckets: FleetBuckets;
}

const NO_TOTALS: FleetWindowTotals = { calls: 0, failures: 0, slow: 0 };

/** The records of every tool, and the rules that change them. `now` is the share's clock. */
export class FleetLedger {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  #entry(tool: string): Entry {
    let entry = this.#entries.get(tool);
    if (entry === undefined) {
      entry = {
        generation: 0,
        state: 'closed',
        reason: 'closed',
        until: 0,
        backoffMs: 0,
        failures: 0,
        lease: null,
        windowRule: null,
        buckets: new Map(),
      };
      this.#entries.set(tool, entry);
    }
    return entry;
  }

  /** The record of `tool` as a message carries it. */
  read(tool: string): FleetRecord {
    const e = this.#entry(tool);
    const now = this.#now();
    const lease = e.lease !== null && e.lease.until > now ? e.lease.until - now : 0;
    const window = this.#totals(e, now);
    return {
      tool,
      generation: e.generation,
      state: e.state,
      reason: e.reason,
      remainingMs: e.state === 'open' ? Math.max(0, e.until - now) : 0,
      backoffMs: e.backoffMs,
      leaseMs: lease,
      failures: e.failures,
      windowCalls: window.calls,
      windowFailures: window.failures,
      windowSlow: window.slow,
    };
  }

  #totals(e: Entry, now: number): FleetWindowTotals {
    return e.windowRule === null ? NO_TOTALS : fleetTotals(e.windowRule, e.buckets, now);
  }

  /** Records open or isolated, or closed with failures counted (consecutive, or failures or slow calls in the window). */
  load(): FleetRecord[] {
    return [...this.#entries.keys()]
      .map((tool) => this.read(tool))
      .filter((r) => r.state !== 'closed' || r.failures > 0 || r.windowFailures + r.windowSlow > 0);
  }

  #open(e: Entry, reason: OpenReason, backoffMs: number, remainingMs: number): void {
    e.generation++;
    e.state = 'open';
    e.reason = reason;
    e.until = this.#now() + Math.max(0, remainingMs);
    e.backoffMs = backoffMs;
    e.failures = 0;
    e.lease = null;
    e.buckets.clear();
  }

  /** The batch script: returns the record and whether it changed in a way every process must hear. */
  report(tool: string, batch: OutcomeBatch, rule: ReportRule): { record: FleetRecord; publish: boolean } {
    const e = this.#entry(tool);
    if (e.state !== 'closed') return { record: this.read(tool), publish: false };
    const now = this.#now();
    const before = e.failures;
    const adverseBefore = adverse(this.#totals(e, now));
    if (batch.successes > 0) e.failures = 0;
    e.failures += batch.failures;
    if (rule.window != null) this.#addToWindow(e, rule.window, batch, now);
    if (e.failures >= rule.failureThreshold && batch.failures > 0) {
      this.#open(e, 'threshold', rule.backoffMs, rule.backoffMs);
      return { record: this.read(tool), publish: true };
    }
    const rate = rule.window == null ? null : fleetRateReached(rule.window, this.#totals(e, now));
    if (rate !== null) {
      this.#open(e, rate, rule.backoffMs, rule.backoffMs);
      return { record: this.read(tool), publish: true };
    }
    // The first failure of a streak (or in the window) is announced, so every process reports its successes.
    const announce =
      (before === 0 && e.failures > 0) || (adverseBefore === 0 && adverse(this.#totals(e, now)) > 0);
    return { record: this.read(tool), publish: announce };
  }

  /** Adds a batch to the bucket of `now` (a new shape starts an empty window). */
  #addToWindow(e: Entry, rule: FleetWindowRule, batch: OutcomeBatch, now: number): void {
    if (e.windowRule === null || !sameShape(e.windowRule, rule)) e.buckets.clear();
    e.windowRule = rule;
    pruneBuckets(rule, e.buckets, now);
    const key = bucketOf(rule, now);
    const bucket = e.buckets.get(key) ?? { calls: 0, failures: 0, slow: 0 };
    bucket.calls += batch.successes + batch.failures;
    bucket.failures += batch.failures;
    bucket.slow += batch.slow ?? 0;
    e.buckets.set(key, bucket);
  }

  /** The fenced opening script. */
  open(
    tool: string,
    expected: number | null,
    opening: { reason: OpenReason; backoffMs: number; remainingMs: number },
  ): { record: FleetRecord; publish: boolean } {
    const e = this.#entry(tool);
    // A writer that saw a newer generation than the record holds means the record was lost.
    // An isolation yields only to a writer that saw a newer generation (the record was lost).
    const fits =
      expected === null
        ? e.state === 'closed'
        : e.generation <= expected && (e.state !== 'isolated' || e.generation < expected);
    if (!fits) return { record: this.read(tool), publish: false };
    if (expected !== null) e.generation = Math.max(e.generation, expected);
    this.#open(e, opening.reason, opening.backoffMs, opening.remainingMs);
    return { record: this.read(tool), publish: true };
  }

  /** The lease script (SET NX PX under the record's generation). */
  claimProbe(
    tool: string,
    generation: number,
    token: string,
    leaseMs: number,
  ): { granted: boolean; record: FleetRecord } {
    const e = this.#entry(tool);
    const now = this.#now();
    const free = e.lease === null || e.lease.until <= now;
    if (e.state !== 'open' || e.generation !== generation || !free) {
      return { granted: false, record: this.read(tool) };
    }
    e.lease = { token, until: now + leaseMs };
    return { granted: true, record: this.read(tool) };
  }

  /** The fenced closing script. */
  close(tool: string, generation: number, token: string | null): { record: FleetRecord; publish: boolean } {
    const e = this.#entry(tool);
    const now = this.#now();
    const live = e.lease !== null && e.lease.until > now ? e.lease : null;
    const holder = token === null ? live === null : live?.token === token;
    if (e.state !== 'open' || e.generation !== generation || !holder) {
      return { record: this.read(tool), publish: false };
    }
    return this.#closed(tool, e, 'closed');
  }

  /** The reset script. */
  reset(tool: string): { record: FleetRecord; publish: boolean } {
    return this.#closed(tool, this.#entry(tool), 'reset');
  }

  /** The isolation script: always, under a new generation. */
  isolate(tool: string): { record: FleetRecord; publish: boolean } {
    return this.#settled(tool, this.#entry(tool), 'isolated', 'isolated');
  }

  /** The release script: only the isolation of `generation`. */
  release(tool: string, generation: number): { record: FleetRecord; publish: boolean } {
    const e = this.#entry(tool);
    if (e.state !== 'isolated' || e.generation !== generation)
      return { record: this.read(tool), publish: false };
    return this.#closed(tool, e, 'released');
  }

  /** Closes the record under a new generation, counters and lease cleared, as CLOSE, RESET and RELEASE do. */
  #closed(
    tool: string,
    e: Entry,
    reason: 'closed' | 'reset' | 'released',
  ): { record: FleetRecord; publish: boolean } {
    return this.#settled(tool, e, 'closed', reason);
  }

  /** Puts the record in `state` under a new generation, with no backoff, counters, lease or window. */
  #settled(
    tool: string,
    e: Entry,
    state: 'closed' | 'isolated',
    reason: 'closed' | 'reset' | 'released' | 'isolated',
  ): { record: FleetRecord; publish: boolean } {
    e.generation++;
    e.state = state;
    e.reason = reason;
    e.until = 0;
    e.backoffMs = 0;
    e.failures = 0;
    e.lease = null;
    e.buckets.clear();
    return { record: this.read(tool), publish: true };
  }
}

const adverse = (t: FleetWindowTotals): number => t.failures + t.slow;

const sameShape = (a: FleetWindowRule, b: FleetWindowRule): boolean =>
  a.bucketMs === b.bucketMs && a.buckets === b.buckets && a.calls === b.calls;
