import { SlotList, type ToolSlot } from './slot.js';

/** Pinned slots looked at again per sweep: their tools may have recovered since. */
const RECHECKS_PER_SWEEP = 2;

/** May the slot's tool be forgotten now: closed, no failures counted, no call in flight? */
export function isEvictable(slot: ToolSlot): boolean {
  const breaker = slot.breaker;
  return breaker.inFlight === 0 && breaker.failureCount === 0 && breaker.state === 'closed';
}

/**
 * Chooses which tool to forget, at an amortised O(1) cost whatever the registry holds: a CLOCK
 * sweep over the list of candidates (a used tool gets a second chance, paid for by its use),
 * where a tool found open, half-open, isolated, failing or with calls in flight moves to a list
 * of pinned tools and is not looked at again by the sweep. Each sweep also looks at the oldest
 * pinned tools again (a few), and a tool whose circuit closes is put back at once (`unpin`), so
 * a recovered tool becomes a candidate again without any scan of the registry.
 */
export class EvictionClock {
  readonly #candidates = new SlotList();
  readonly #pinned = new SlotList();

  /** Tools the sweep may still choose (some may turn out pinned when it reaches them). */
  get candidates(): number {
    return this.#candidates.size;
  }

  /** A new tool: the newest candidate. */
  add(slot: ToolSlot): void {
    this.#candidates.push(slot);
  }

  /** A tool that may be evictable again (its circuit closed): a candidate once more. */
  unpin(slot: ToolSlot): void {
    if (slot.list === this.#pinned) this.#candidates.push(slot);
  }

  remove(slot: ToolSlot): void {
    slot.list?.remove(slot);
  }

  clear(): void {
    this.#candidates.clear();
    this.#pinned.clear();
  }

  /** The least recently used evictable tool, taken out of the lists; undefined when none can go. */
  take(): ToolSlot | undefined {
    for (let i = 0; i < RECHECKS_PER_SWEEP; i++) {
      const slot = this.#pinned.head;
      if (slot === undefined) break;
      if (isEvictable(slot)) this.#candidates.push(slot);
      else this.#pinned.push(slot);
    }
    for (let slot = this.#candidates.head; slot !== undefined; slot = this.#candidates.head) {
      if (!isEvictable(slot)) {
        this.#pinned.push(slot);
      } else if (slot.used) {
        slot.used = false;
        this.#candidates.push(slot);
      } else {
        this.#candidates.remove(slot);
        return slot;
      }
    }
    return undefined;
  }
}
