/**
 * The outbox: outcomes of the closed path aggregated per tool and flushed to the fleet's
 * counters, at once after a failure and every `flushIntervalMs` while the fleet counts
 * failures of the tool (consecutive, or in its window). A success costs nothing here: its
 * count (and the slow calls) are read from the breaker's stats at flush time.
 */
import type { OutcomeBatch } from './types.js';

/** What the outbox reads and where it sends a batch. */
export interface OutboxSink {
  /** Successes (from `breaker.stats()`) and slow calls as its window counts them, so far; undefined: unknown tool. */
  counts(tool: string): { readonly successes: number; readonly slow: number } | undefined;
  /**
   * Successes in the tool's local window now (0 without a window): when the outbox starts to
   * follow a windowed tool, the ones it has not sent yet go with the first batch.
   */
  windowSuccesses(tool: string): number;
  /** Sends one tool's batch (the returned promise never rejects). */
  send(tool: string, batch: OutcomeBatch): Promise<void>;
}

/** Entries of the sent-successes map checked per flush for a tool that is gone. */
const SWEEP_PER_FLUSH = 32;

interface Pending {
  failures: number;
  successBase: number;
  slowBase: number;
  /** Flushes in a row with nothing to send. */
  idle: number;
  /** Idle flushes after which a tool the fleet follows for its window is dropped (Infinity: never). */
  idleLimit: number;
}

export class FleetOutbox {
  readonly #sink: OutboxSink;
  readonly #intervalMs: number;
  /** Tools with failures to send, or whose successes the fleet waits for (its count is above 0). */
  readonly #tools = new Map<string, Pending>();
  /** Cumulative successes already sent, by windowed tool (so a backfill never sends one twice). */
  readonly #sent = new Map<string, number>();
  /** Where the sweep of `#sent` resumes: it forgets tools that no longer have a breaker. */
  #sweep: Iterator<string> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushQueued = false;
  #stopped = false;

  constructor(sink: OutboxSink, intervalMs: number) {
    this.#sink = sink;
    this.#intervalMs = intervalMs;
  }

  /** Tools the outbox follows now. */
  get size(): number {
    return this.#tools.size;
  }

  /** Tools whose sent successes the outbox remembers (for a backfill when it follows them again). */
  get remembered(): number {
    return this.#sent.size;
  }

  #pending(tool: string): Pending {
    let pending = this.#tools.get(tool);
    if (pending === undefined) {
      const counts = this.#sink.counts(tool) ?? { successes: 0, slow: 0 };
      const unsent = counts.successes - (this.#sent.get(tool) ?? 0);
      const backfill = Math.max(0, Math.min(this.#sink.windowSuccesses(tool), unsent));
      pending = {
        failures: 0,
        successBase: counts.successes - backfill,
        slowBase: counts.slow,
        idle: 0,
        idleLimit: Infinity,
      };
      this.#tools.set(tool, pending);
      this.#arm();
    }
    return pending;
  }

  /** A counted failure of `tool` in closed: flushed at once (in a microtask, with any others). */
  failed(tool: string): void {
    if (this.#stopped) return;
    this.#pending(tool).failures++;
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      this.flush();
    });
  }

  /** A slow success of a windowed `tool`: followed, its outcomes sent at the next interval (the answer then says for how long). */
  slow(tool: string): void {
    if (!this.#stopped) this.#pending(tool);
  }

  /**
   * The fleet counts failures of `tool`: its outcomes are sent every interval until the count is 0.
   * With `windowMs` (the fleet's window holds failures or slow calls), it is followed until
   * `unwatch`, or until no outcome came for `windowMs` (the fleet's window has emptied by then).
   */
  watch(tool: string, windowMs?: number): void {
    if (this.#stopped) return;
    const pending = this.#pending(tool);
    pending.idleLimit = windowMs === undefined ? Infinity : Math.ceil(windowMs / this.#intervalMs);
  }

  /** The fleet's count of `tool` is 0 again (or the tool opened): stop following it. */
  unwatch(tool: string): void {
    const pending = this.#tools.get(tool);
    if (pending !== undefined && pending.failures === 0) this.#tools.delete(tool);
  }

  /** Sends every tool's batch that holds an outcome. */
  flush(): void {
    for (const [tool, pending] of this.#tools) {
      // A tool this process has no breaker for (yet, or no more): followed as idle from zero, so
      // the first outcomes of its next breaker count.
      const counts = this.#sink.counts(tool);
      if (counts === undefined) {
        pending.successBase = 0;
        pending.slowBase = 0;
        this.#sent.delete(tool);
      }
      const now = counts ?? { successes: 0, slow: 0 };
      const successes = Math.max(0, now.successes - pending.successBase);
      const slow = Math.max(0, now.slow - pending.slowBase);
      if (successes === 0 && pending.failures === 0) {
        if (++pending.idle > pending.idleLimit) this.#tools.delete(tool);
        continue;
      }
      const batch = { successes, failures: pending.failures, slow };
      pending.successBase = now.successes;
      pending.slowBase = now.slow;
      pending.failures = 0;
      pending.idle = 0;
      this.#sent.set(tool, now.successes);
      void this.#sink.send(tool, batch);
    }
    this.#forgetGone();
  }

  /**
   * Forgets the sent successes of up to `SWEEP_PER_FLUSH` tools that have no breaker any more
   * (evicted; a model that calls made-up names leaves many), resuming where the last flush
   * stopped: O(1) per flush, and the map never holds more than the tools that exist plus what
   * the flushes since their eviction have not reached yet.
   */
  #forgetGone(): void {
    for (let i = 0; i < SWEEP_PER_FLUSH && this.#sent.size > 0; i++) {
      this.#sweep ??= this.#sent.keys();
      const next = this.#sweep.next();
      if (next.done === true) {
        this.#sweep = undefined;
        continue;
      }
      const tool = next.value;
      if (!this.#tools.has(tool) && this.#sink.counts(tool) === undefined) this.#sent.delete(tool);
    }
  }

  #arm(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
      if (this.#tools.size > 0) this.#arm();
    }, this.#intervalMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#tools.clear();
    this.#sent.clear();
    this.#sweep = undefined;
  }
}
