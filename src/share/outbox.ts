/**
 * The outbox: outcomes of the closed path aggregated per tool and flushed to the fleet's
 * counters, at once after a failure and every `flushIntervalMs` while the fleet counts
 * failures of the tool. A success costs nothing here: its count is read from the breaker's
 * stats at flush time.
 */
import type { OutcomeBatch } from './types.js';

/** What the outbox reads and where it sends a batch. */
export interface OutboxSink {
  /** Successes of the tool so far (cumulative, e.g. `breaker.stats().successes`); undefined: unknown tool. */
  successes(tool: string): number | undefined;
  /** Sends one tool's batch (the returned promise never rejects). */
  send(tool: string, batch: OutcomeBatch): Promise<void>;
}

interface Pending {
  failures: number;
  successBase: number;
}

export class FleetOutbox {
  readonly #sink: OutboxSink;
  readonly #intervalMs: number;
  /** Tools with failures to send, or whose successes the fleet waits for (its count is above 0). */
  readonly #tools = new Map<string, Pending>();
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

  #pending(tool: string): Pending {
    let pending = this.#tools.get(tool);
    if (pending === undefined) {
      pending = { failures: 0, successBase: this.#sink.successes(tool) ?? 0 };
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

  /** The fleet counts failures of `tool`: its successes are sent every interval until the count is 0. */
  watch(tool: string): void {
    if (!this.#stopped) this.#pending(tool);
  }

  /** The fleet's count of `tool` is 0 again (or the tool opened): stop following it. */
  unwatch(tool: string): void {
    const pending = this.#tools.get(tool);
    if (pending !== undefined && pending.failures === 0) this.#tools.delete(tool);
  }

  /** Sends every tool's batch that holds an outcome. */
  flush(): void {
    for (const [tool, pending] of this.#tools) {
      const now = this.#sink.successes(tool);
      if (now === undefined) {
        this.#tools.delete(tool);
        continue;
      }
      const successes = Math.max(0, now - pending.successBase);
      if (successes === 0 && pending.failures === 0) continue;
      const batch = { successes, failures: pending.failures };
      pending.successBase = now;
      pending.failures = 0;
      void this.#sink.send(tool, batch);
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
  }
}
