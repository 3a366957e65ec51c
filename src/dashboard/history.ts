import type { Registry } from '../registry.js';

/** One tool's last minutes, a value per second, oldest first. */
export interface ToolHistory {
  readonly tool: string;
  /** Epoch milliseconds of the last second's start (on the registry's clock). */
  readonly end: number;
  /** Milliseconds between two points. */
  readonly stepMs: number;
  /** Calls admitted per second. */
  readonly calls: readonly number[];
  /** Failures per second (counted and ignored). */
  readonly failures: readonly number[];
  /** Calls rejected per second. */
  readonly rejections: readonly number[];
  /** The window's failure rate (0..1) at each second; null without a window or below `minimumCalls`. */
  readonly failureRate: readonly (number | null)[];
}

/** How much history is kept. */
export interface HistoryLimits {
  /** Seconds kept per tool. @default 300 */
  readonly seconds: number;
  /** Tools followed at once; the least recently asked-for is dropped past it. @default 500 */
  readonly tools: number;
}

const STEP_MS = 1_000;

/** Per-second rings of one tool, and the cumulative counts last read. */
class Track {
  readonly calls: Float64Array;
  readonly failures: Float64Array;
  readonly rejections: Float64Array;
  readonly rate: Float64Array;
  /** The second (index on the registry's clock) the newest point is for. */
  second = -1;
  lastCalls = 0;
  lastFailures = 0;
  lastRejections = 0;

  constructor(seconds: number) {
    this.calls = new Float64Array(seconds);
    this.failures = new Float64Array(seconds);
    this.rejections = new Float64Array(seconds);
    this.rate = new Float64Array(seconds).fill(Number.NaN);
  }
}

/**
 * Samples the cumulative counts (`registry.stats(tool)`) of a bounded set of tools and keeps,
 * per tool, the calls, failures and rejections of each second of the last few minutes, and the
 * window's failure rate. Time is the registry's clock, so a simulated session is charted in its
 * own seconds. Cost: one `stats()` per followed tool per sample, nothing per call.
 */
export class StatsHistory {
  readonly #registry: Registry;
  readonly #limits: HistoryLimits;
  readonly #now: () => number;
  /** Followed tools, least recently asked-for first. */
  readonly #tracks = new Map<string, Track>();

  constructor(registry: Registry, now: () => number, limits: Partial<HistoryLimits> = {}) {
    this.#registry = registry;
    this.#now = now;
    this.#limits = { seconds: limits.seconds ?? 300, tools: limits.tools ?? 500 };
  }

  /** Tools followed now. */
  get size(): number {
    return this.#tracks.size;
  }

  /** Reads every followed tool now, and starts following tools of the registry while there is room. */
  sample(): void {
    const second = Math.floor(this.#now() / STEP_MS);
    if (this.#tracks.size < this.#limits.tools) {
      for (const [tool] of this.#registry.entries()) {
        if (this.#tracks.size >= this.#limits.tools) break;
        if (!this.#tracks.has(tool)) this.#tracks.set(tool, this.#fresh(tool, second));
      }
    }
    for (const [tool, track] of this.#tracks) this.#read(tool, track, second);
  }

  /** The tool's history (following it from now on if it was not followed yet). */
  history(tool: string): ToolHistory {
    let track = this.#tracks.get(tool);
    const second = Math.floor(this.#now() / STEP_MS);
    if (track === undefined) {
      track = this.#fresh(tool, second);
      if (this.#tracks.size >= this.#limits.tools) {
        const oldest = this.#tracks.keys().next().value;
        if (oldest !== undefined) this.#tracks.delete(oldest);
      }
    } else {
      this.#tracks.delete(tool); // most recently asked-for last
      this.#read(tool, track, second);
    }
    this.#tracks.set(tool, track);
    const n = this.#limits.seconds;
    const ordered = (ring: Float64Array): number[] => {
      const out = new Array<number>(n);
      for (let i = 0; i < n; i++) out[i] = ring[(((track.second + 1 + i) % n) + n) % n] ?? 0;
      return out;
    };
    return {
      tool,
      end: track.second * STEP_MS,
      stepMs: STEP_MS,
      calls: ordered(track.calls),
      failures: ordered(track.failures),
      rejections: ordered(track.rejections),
      failureRate: ordered(track.rate).map((r) => (Number.isNaN(r) ? null : r)),
    };
  }

  #fresh(tool: string, second: number): Track {
    const track = new Track(this.#limits.seconds);
    const stats = this.#registry.stats(tool);
    track.lastCalls = stats.calls;
    track.lastFailures = stats.failures + stats.ignored;
    track.lastRejections = stats.rejections;
    track.second = second;
    return track;
  }

  /** Adds what changed since the last read to the current second, clearing the seconds skipped. */
  #read(tool: string, track: Track, second: number): void {
    const n = this.#limits.seconds;
    for (let s = track.second + 1; s <= second && s - track.second <= n; s++) {
      const i = s % n;
      track.calls[i] = 0;
      track.failures[i] = 0;
      track.rejections[i] = 0;
      track.rate[i] = Number.NaN;
    }
    if (second > track.second) track.second = second;
    let stats;
    let rate: number | null;
    try {
      stats = this.#registry.stats(tool);
      rate = (this.#registry.diagnostics(tool) as { failureRate?: number | null }).failureRate ?? null;
    } catch {
      return; // a name the registry refuses has nothing to chart
    }
    const i = track.second % n;
    // Counts restart from zero when the tool is reset or evicted and seen again.
    const delta = (now: number, last: number): number => (now >= last ? now - last : now);
    track.calls[i] = (track.calls[i] ?? 0) + delta(stats.calls, track.lastCalls);
    track.failures[i] = (track.failures[i] ?? 0) + delta(stats.failures + stats.ignored, track.lastFailures);
    track.rejections[i] = (track.rejections[i] ?? 0) + delta(stats.rejections, track.lastRejections);
    track.rate[i] = rate ?? Number.NaN;
    track.lastCalls = stats.calls;
    track.lastFailures = stats.failures + stats.ignored;
    track.lastRejections = stats.rejections;
  }
}
