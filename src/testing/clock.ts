import type { BreakerClock } from '../options.js';

interface Timer {
  readonly id: number;
  readonly deadline: number;
  readonly fn: () => void;
}

/**
 * A manual clock for tests: a `BreakerClock` (and XState `Clock`) whose time moves only when
 * the test moves it. Times are epoch milliseconds, durations milliseconds.
 *
 * `advance`/`advanceTo` fire due timers one by one in deadline order (ties in the order they
 * were set), with `now()` equal to each timer's deadline while it runs, as a real event loop
 * would. `lagTo` moves time without firing anything, as a busy event loop that runs a timer
 * late: the next `advance` fires the overdue timers.
 *
 * @example
 * const clock = new TestClock();
 * const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 1_000, clock });
 * breaker.tryAcquire()?.failure('network');
 * clock.advance(1_000); // the backoff timer fires: half-open
 */
export class TestClock implements BreakerClock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  /** @param start Epoch milliseconds the clock starts at. @default 0 */
  constructor(start = 0) {
    this.#now = start;
  }

  /** The current time, epoch milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Schedules `fn` after `timeout` milliseconds (negative or NaN counts as 0). Returns the timer id. */
  setTimeout(fn: () => void, timeout: number): number {
    const id = this.#nextId++;
    const delay = timeout > 0 ? timeout : 0;
    this.#timers.set(id, { id, deadline: this.#now + delay, fn });
    return id;
  }

  /** Cancels a timer; unknown ids are ignored. */
  clearTimeout(id: unknown): void {
    this.#timers.delete(id as number);
  }

  /** Timers set and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** The earliest deadline of a pending timer (epoch milliseconds), or undefined. */
  nextDeadline(): number | undefined {
    return this.#next()?.deadline;
  }

  /** Moves time forward by `ms` milliseconds, firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`TestClock: cannot advance by ${ms} ms`);
    this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `time` (epoch milliseconds), firing every timer due by then. */
  advanceTo(time: number): void {
    if (!(time >= this.#now)) throw new RangeError(`TestClock: cannot go back from ${this.#now} to ${time}`);
    for (let timer = this.#next(); timer && timer.deadline <= time; timer = this.#next()) {
      this.#timers.delete(timer.id);
      this.#now = Math.max(this.#now, timer.deadline);
      timer.fn();
    }
    this.#now = time;
  }

  /** Moves time forward to `time` without firing timers: they run late, on the next advance. */
  lagTo(time: number): void {
    if (!(time >= this.#now)) throw new RangeError(`TestClock: cannot go back from ${this.#now} to ${time}`);
    this.#now = time;
  }

  #next(): Timer | undefined {
    let next: Timer | undefined;
    for (const timer of this.#timers.values()) {
      if (next === undefined || timer.deadline < next.deadline) next = timer;
    }
    return next;
  }
}
