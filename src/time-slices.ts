/**
 * Long loops of the persistence (reading the changed tools, encoding a batch) cut into slices of
 * about `SLICE_MS` milliseconds with a turn of the event loop between them, so that the timers
 * and I/O callbacks of the agent wait at most one slice, however large the batch and however slow
 * the machine. A slice also ends after `SLICE_ITEMS` items whatever the clock says (a clock that
 * stands still, such as fake timers, still gets turns).
 */

/** Milliseconds of work in one slice. */
export const SLICE_MS = 2;
/** Items at most in one slice. */
export const SLICE_ITEMS = 1_024;
/** Items between two readings of the clock. */
const CHECK_EVERY = 16;

/** A turn of the event loop: `setImmediate` where there is one, else a zero timer. */
export const turn = (): Promise<void> =>
  new Promise((resolve) => (globalThis.setImmediate ?? setTimeout)(() => resolve()));

/** Options of `TimeSlices` (for tests: the clock and the bounds). */
export interface TimeSliceOptions {
  /** Milliseconds now, from any origin. @default performance.now */
  readonly now?: () => number;
  /** Milliseconds of work in one slice. @default 2 */
  readonly budgetMs?: number;
  /** Items at most in one slice. @default 1024 */
  readonly maxItems?: number;
}

/**
 * The slices of one loop: call `spent()` before each item, and `await next()` when it returns
 * true.
 *
 * ```ts
 * const slices = new TimeSlices();
 * for (const item of items) {
 *   if (slices.spent()) await slices.next();
 *   work(item);
 * }
 * ```
 */
export class TimeSlices {
  readonly #now: () => number;
  readonly #budgetMs: number;
  readonly #maxItems: number;
  #start: number;
  #items = 0;

  constructor(options: TimeSliceOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#budgetMs = options.budgetMs ?? SLICE_MS;
    this.#maxItems = options.maxItems ?? SLICE_ITEMS;
    this.#start = this.#now();
  }

  /** Counts the item about to start; true when it belongs to the next slice (budget spent, or items done). */
  spent(): boolean {
    this.#items++;
    if (this.#items > this.#maxItems) return true;
    return this.#items % CHECK_EVERY === 0 && this.#now() - this.#start >= this.#budgetMs;
  }

  /** A turn of the event loop, then a new slice, starting with the item `spent()` held back. */
  async next(): Promise<void> {
    await turn();
    this.#items = 1;
    this.#start = this.#now();
  }
}
