import { EvictionClock } from './eviction.js';
import type { ToolSlot } from './slot.js';
import { ToolTable } from './tool-table.js';

/** Tools evicted per new tool at most: one to make room, one more to shrink back below `maxTools`. */
const EVICTIONS_PER_ADD = 2;

/**
 * The tools of a registry and its bound: lookup by name (`ToolTable`), which tool to forget
 * (`EvictionClock`), and whether the registry is past `maxTools` because nothing could be evicted.
 * Every operation costs the same whatever the registry holds.
 */
export class RegistryTools {
  readonly #table = new ToolTable<ToolSlot>();
  readonly #eviction = new EvictionClock();
  /** Past `maxTools` with nothing to evict, and said so; cleared when back within it. */
  #overflowing = false;

  constructor(readonly maxTools: number) {}

  get size(): number {
    return this.#table.size;
  }

  get(tool: string): ToolSlot | undefined {
    return this.#table.get(tool);
  }

  values(): IterableIterator<ToolSlot> {
    return this.#table.values();
  }

  add(slot: ToolSlot): void {
    this.#table.add(slot);
    this.#eviction.add(slot);
  }

  delete(slot: ToolSlot): void {
    this.#table.delete(slot);
    this.#eviction.remove(slot);
    if (this.#table.size <= this.maxTools) this.#overflowing = false;
  }

  /** The tool's circuit closed: it may be evicted again. */
  unpin(slot: ToolSlot): void {
    this.#eviction.unpin(slot);
  }

  clear(): void {
    this.#table.clear();
    this.#eviction.clear();
    this.#overflowing = false;
  }

  /**
   * Takes out the tools to evict so that `adding` new ones fit: least recently used, closed, no
   * failures, no call in flight (see `EvictionClock`), at most `EVICTIONS_PER_ADD` per tool added,
   * so a registry that grew past `maxTools` shrinks back as tools become evictable.
   */
  makeRoom(adding: number): ToolSlot[] | undefined {
    let evicted: ToolSlot[] | undefined;
    for (
      let budget = adding * EVICTIONS_PER_ADD;
      budget > 0 && this.size + adding > this.maxTools;
      budget--
    ) {
      const slot = this.#eviction.take();
      if (slot === undefined) break;
      this.delete(slot);
      (evicted ??= []).push(slot);
    }
    return evicted;
  }

  /** True once when the registry has gone past `maxTools`, until it is back within it. */
  crossedMaxTools(): boolean {
    if (this.#overflowing || this.size <= this.maxTools) return false;
    this.#overflowing = true;
    return true;
  }
}
