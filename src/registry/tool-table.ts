/**
 * V8 hashes a string longer than this many UTF-16 code units by its length alone
 * (`String::kMaxHashCalcLength`): such names, as keys of a plain `Map`, would all share one hash
 * bucket and each lookup would compare whole strings with every other name of that length.
 */
export const CONTENT_HASHED_LENGTH = 16_383;

/** What the table holds: anything that knows its tool's name. */
export interface Named {
  readonly tool: string;
}

/** A seeded 32-bit FNV-1a over every code unit: O(length), unpredictable without the seed. */
function hash32(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const randomSeed = (): number => (Math.random() * 0x1_0000_0000) >>> 0;

/**
 * Tools by name, at a lookup cost bounded by the name's own length however long or alike the
 * names are. Names up to `CONTENT_HASHED_LENGTH` are keys of a `Map` as they are; a longer name is
 * found through a short key made of its length and two seeded hashes of its whole content (names
 * sharing that key, which only a collision of 64 random-seeded bits makes, share a small bucket
 * compared name by name).
 */
export class ToolTable<V extends Named> {
  readonly #short = new Map<string, V>();
  readonly #long = new Map<string, V[]>();
  #longCount = 0;
  readonly #seeds = [randomSeed(), randomSeed()] as const;

  get size(): number {
    return this.#short.size + this.#longCount;
  }

  /** The tool's entry; undefined for a name not in the table, or for a value that is no string. */
  get(tool: string): V | undefined {
    if (typeof tool !== 'string' || tool.length <= CONTENT_HASHED_LENGTH) return this.#short.get(tool);
    return this.#long.get(this.#keyOf(tool))?.find((value) => value.tool === tool);
  }

  /** Adds `value` under its tool's name, which must not be in the table. */
  add(value: V): void {
    const tool = value.tool;
    if (tool.length <= CONTENT_HASHED_LENGTH) {
      this.#short.set(tool, value);
      return;
    }
    const key = this.#keyOf(tool);
    const bucket = this.#long.get(key);
    if (bucket === undefined) this.#long.set(key, [value]);
    else bucket.push(value);
    this.#longCount++;
  }

  /** Removes `value` (the table's entry of its tool), if present. */
  delete(value: V): void {
    const tool = value.tool;
    if (tool.length <= CONTENT_HASHED_LENGTH) {
      if (this.#short.get(tool) === value) this.#short.delete(tool);
      return;
    }
    const key = this.#keyOf(tool);
    const bucket = this.#long.get(key);
    const index = bucket?.indexOf(value) ?? -1;
    if (bucket === undefined || index < 0) return;
    bucket.splice(index, 1);
    if (bucket.length === 0) this.#long.delete(key);
    this.#longCount--;
  }

  clear(): void {
    this.#short.clear();
    this.#long.clear();
    this.#longCount = 0;
  }

  *values(): IterableIterator<V> {
    yield* this.#short.values();
    for (const bucket of this.#long.values()) yield* bucket;
  }

  #keyOf(tool: string): string {
    return `${tool.length}:${hash32(tool, this.#seeds[0])}:${hash32(tool, this.#seeds[1])}`;
  }
}
