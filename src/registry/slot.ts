import type { Breaker } from '../breaker.js';

/** One tool of a registry: its breaker, its CLOCK bit and its links in the eviction lists. */
export class ToolSlot {
  /** Set on every use, cleared by the eviction sweep (a second chance). */
  used = false;
  /** @internal */ prev: ToolSlot | undefined = undefined;
  /** @internal */ next: ToolSlot | undefined = undefined;
  /** @internal */ list: SlotList | undefined = undefined;

  constructor(
    readonly tool: string,
    readonly breaker: Breaker,
  ) {}
}

/** An intrusive doubly-linked list of slots: O(1) append, removal and head. */
export class SlotList {
  head: ToolSlot | undefined = undefined;
  tail: ToolSlot | undefined = undefined;
  size = 0;

  /** Appends `slot`, taking it out of the list it was in. */
  push(slot: ToolSlot): void {
    slot.list?.remove(slot);
    slot.list = this;
    slot.prev = this.tail;
    slot.next = undefined;
    if (this.tail === undefined) this.head = slot;
    else this.tail.next = slot;
    this.tail = slot;
    this.size++;
  }

  remove(slot: ToolSlot): void {
    if (slot.list !== this) return;
    if (slot.prev === undefined) this.head = slot.next;
    else slot.prev.next = slot.next;
    if (slot.next === undefined) this.tail = slot.prev;
    else slot.next.prev = slot.prev;
    slot.prev = slot.next = slot.list = undefined;
    this.size--;
  }

  clear(): void {
    for (let slot = this.head; slot !== undefined;) {
      const next: ToolSlot | undefined = slot.next;
      slot.prev = slot.next = slot.list = undefined;
      slot = next;
    }
    this.head = this.tail = undefined;
    this.size = 0;
  }
}
