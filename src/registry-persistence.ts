import type { Breaker } from './breaker.js';
import { SnapshotError, isStoreLockedError } from './errors.js';
import {
  toolState,
  type PersistedRegistrySnapshot,
  type PersistedToolState,
  type RegistryChanges,
  type RegistryStore,
  type StoreContext,
} from './registry-snapshot.js';
import { persistedToolContext, type BreakerStateValue } from './snapshot.js';
import { TimeSlices } from './time-slices.js';

/** Milliseconds before a failed write is tried again. */
const RETRY_MS = 1_000;

interface Batch {
  readonly cleared: boolean;
  readonly tools: readonly string[];
  /** The change count this batch covers. */
  readonly upTo: number;
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** A load failure as the registry reports it: a `SnapshotError` naming the cause (a lock error stays as it is). */
export function loadFailure(error: unknown): Error {
  if (error instanceof SnapshotError || isStoreLockedError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SnapshotError('', `the store could not be loaded: ${message}`, { cause: error });
}

/**
 * A registry's link to its store: which tools changed since the last write, gathering them for
 * the store's `writeDelayMs`, one write at a time (changes made during a write go in the next),
 * and `flush()`, which resolves once every change made before it is durable.
 */
export class RegistryPersistence {
  readonly #store: RegistryStore;
  readonly #tools: () => ToolLookup;
  readonly #context: StoreContext;
  readonly #dirty = new Set<string>();
  #cleared = false;
  /** Changes recorded so far, and how many of them are durable. */
  #changes = 0;
  #durable = 0;
  #lastError: unknown;
  /** The writes, one after the other; never rejects. */
  #chain: Promise<void> = Promise.resolve();
  /** A write is on the chain whose batch is not taken yet: later changes join it. */
  #queued = false;
  /** Writes queued or in flight. */
  #writes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed: Promise<void> | undefined;
  #disabled = false;

  constructor(
    store: RegistryStore,
    tools: () => ToolLookup,
    warn: (message: string, error?: unknown) => void,
  ) {
    if (typeof store !== 'object' || store === null || typeof store.load !== 'function') {
      throw new TypeError('tripstate: option store must be an object with a load() method');
    }
    if (typeof store.write !== 'function' && typeof store.save !== 'function') {
      throw new TypeError('tripstate: option store needs a save() or a write() method');
    }
    const delay = store.writeDelayMs;
    if (delay !== undefined && (typeof delay !== 'number' || !(delay >= 0 && delay <= 60_000))) {
      throw new RangeError(`tripstate: store.writeDelayMs must be in [0, 60000], got ${String(delay)}`);
    }
    this.#store = store;
    this.#tools = tools;
    this.#context = { warn };
  }

  /** The store's saved state, or a promise of it; failures are `SnapshotError`s naming their cause. */
  load(): unknown {
    let result: unknown;
    try {
      result = this.#store.load(this.#context);
    } catch (error) {
      throw loadFailure(error);
    }
    if (!isPromiseLike(result)) return result;
    return Promise.resolve(result).catch((error: unknown) => {
      throw loadFailure(error);
    });
  }

  /** The tool changed (or was forgotten): it goes in the next write. */
  changed(tool: string): void {
    if (this.#closed !== undefined || this.#disabled) return;
    this.#dirty.add(tool);
    this.#changes++;
    this.#schedule();
  }

  /** Everything was forgotten; `tools`, when given, are written afresh. */
  cleared(tools: Iterable<string> = []): void {
    if (this.#closed !== undefined || this.#disabled) return;
    this.#dirty.clear();
    for (const tool of tools) this.#dirty.add(tool);
    this.#cleared = true;
    this.#changes++;
    this.#schedule();
  }

  /** Never writes: the load failed and the registry was told to throw. Releases the store. */
  disable(): void {
    this.#disabled = true;
    this.#dirty.clear();
    if (this.#closed !== undefined) return;
    if (this.#writes > 0) {
      this.#closed = this.#release();
      return;
    }
    try {
      // Now, not after a tick: a caller may retry at once with the same file.
      const closing = this.#store.close?.();
      this.#closed = Promise.resolve(closing).catch((error: unknown) =>
        this.#context.warn(`tripstate: closing the store failed (${causeOf(error)})`, error),
      );
    } catch (error) {
      this.#context.warn(`tripstate: closing the store failed (${causeOf(error)})`, error);
      this.#closed = Promise.resolve();
    }
  }

  /** Resolves once every change made so far is durable; rejects with the error of a failed write. */
  flush(): Promise<void> {
    const target = this.#changes;
    if (this.#closed === undefined) this.#enqueue();
    const written = this.#chain.then(() => {
      if (this.#durable < target) throw this.#lastError;
    });
    return this.#closed === undefined ? written : written.then(() => this.#closed);
  }

  /**
   * The final write (failing tools included), then the store is closed. The changes are read
   * now, while the breakers still run; with nothing else in flight the store is called now too,
   * so a synchronous store has saved when this returns. Idempotent.
   */
  stop(): Promise<void> {
    if (this.#closed !== undefined) return this.flush();
    for (const [tool, breaker] of this.#tools()) if (breaker.failureCount > 0) this.#dirty.add(tool);
    this.#changes++;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#take();
    const send = this.#payload(batch, true, true);
    this.#writes++;
    const write =
      this.#writes === 1 ? this.#write(batch, send) : this.#chain.then(() => this.#write(batch, send));
    this.#chain = write.finally(() => void this.#writes--);
    this.#closed = this.#chain.then(() => this.#release());
    return this.flush();
  }

  async #release(): Promise<void> {
    await this.#chain;
    try {
      await this.#store.close?.();
    } catch (error) {
      this.#context.warn(`tripstate: closing the store failed (${causeOf(error)})`, error);
    }
  }

  #schedule(): void {
    if (this.#queued || this.#timer !== undefined) return;
    const delay = this.#store.writeDelayMs;
    if (delay === undefined) return queueMicrotask(() => this.#enqueue());
    this.#timer = setTimeout(() => this.#enqueue(), delay);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #enqueue(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#queued) return;
    this.#queued = true;
    this.#writes++;
    this.#chain = this.#chain
      .then(() => {
        this.#queued = false;
        const batch = this.#take();
        return this.#write(batch, this.#payload(batch, false, false));
      })
      .finally(() => void this.#writes--);
  }

  #take(): Batch {
    const batch = { cleared: this.#cleared, tools: [...this.#dirty], upTo: this.#changes };
    this.#dirty.clear();
    this.#cleared = false;
    return batch;
  }

  async #write(batch: Batch, send: () => void | PromiseLike<void>): Promise<void> {
    if (batch.upTo <= this.#durable) return;
    try {
      await send();
      this.#durable = batch.upTo;
    } catch (error) {
      this.#lastError = error;
      if (batch.cleared) this.#cleared = true;
      for (const tool of batch.tools) this.#dirty.add(tool);
      this.#context.warn(`tripstate: saving the registry failed (${causeOf(error)}); retrying in 1 s`, error);
      if (this.#closed === undefined && this.#timer === undefined) {
        this.#timer = setTimeout(() => this.#enqueue(), RETRY_MS);
        (this.#timer as { unref?: () => void }).unref?.();
      }
    }
  }

  /**
   * The store call for a batch; none for no change unless `always` (a simple store's last save).
   * `now`: the changes are read at once (the last write, before the breakers stop); otherwise
   * when the write starts, a large batch in slices with a turn of the event loop between them.
   */
  #payload(batch: Batch, always: boolean, now: boolean): () => void | PromiseLike<void> {
    const store = this.#store;
    const tools = this.#tools();
    const empty = batch.tools.length === 0 && !batch.cleared;
    if (empty && (store.write !== undefined || !always)) return () => undefined;
    if (store.write !== undefined) {
      const write = (changes: RegistryChanges) => store.write?.(changes, this.#context);
      if (now) {
        const changes = { cleared: batch.cleared, tools: batch.tools.map((tool) => stateOf(tools, tool)) };
        return () => write(changes);
      }
      return async () => write(await readInSlices(batch, tools));
    }
    const snapshot: PersistedRegistrySnapshot = {
      format: 'tripstate.registry',
      version: 1,
      tools: [...tools].map(([tool, breaker]) => [tool, breaker.getPersistedSnapshot()] as const),
    };
    return () => store.save?.(snapshot, this.#context);
  }
}

/** The registry's tools as the persistence reads them: one by name, and every one with its breaker. */
export interface ToolLookup extends Iterable<readonly [string, Breaker]> {
  get(tool: string): Breaker | undefined;
}

/** The cause of a failure in a warning's message. */
const causeOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A changed tool's state as its store is handed it: read from the running actor's snapshot (a
 * field read and one copy of the context), or from the persisted snapshot of a dormant breaker.
 */
function stateOf(tools: ToolLookup, tool: string): readonly [string, PersistedToolState | null] {
  const breaker = tools.get(tool);
  if (breaker === undefined) return [tool, null];
  if (breaker.dormant) return [tool, toolState(breaker.getPersistedSnapshot())];
  const { value, context } = breaker.getSnapshot();
  // A running actor never rests in the chart's transient `starting` state.
  return [tool, { value: value as BreakerStateValue, context: persistedToolContext(context) }];
}

/** The changed tools' states, read in slices of about 2 ms with a turn of the event loop between them. */
async function readInSlices(batch: Batch, tools: ToolLookup): Promise<RegistryChanges> {
  const read: RegistryChanges['tools'][number][] = [];
  const slices = new TimeSlices();
  for (const tool of batch.tools) {
    if (slices.spent()) await slices.next();
    read.push(stateOf(tools, tool));
  }
  return { cleared: batch.cleared, tools: read };
}
