/** Simulated time and a seeded random source: the demo runs the same way, fast, every time. */
import { SimulatedClock } from 'xstate';

/** Milliseconds the simulated clock moves per step while something waits on it. */
const STEP_MS = 50;

/** A deterministic random source (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Simulated time on XState's `SimulatedClock`: the clock moves only inside `run`, in small
 * steps, while the awaited work is pending; between runs it stands still.
 */
export class SimulatedTime {
  readonly clock = new SimulatedClock();

  /** Simulated epoch milliseconds (the session starts at 0). */
  now(): number {
    return this.clock.now();
  }

  /** Resolves after `ms` simulated milliseconds. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms));
  }

  /** Like `AbortSignal.timeout(ms)`, on simulated time: aborts with a `TimeoutError`. */
  timeoutSignal(ms: number): AbortSignal {
    const controller = new AbortController();
    this.clock.setTimeout(
      () => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')),
      ms,
    );
    return controller.signal;
  }

  /** Awaits `work`, moving simulated time forward while it is pending. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.finally(() => {
      settled = true;
    });
    done.catch(() => undefined);
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return work;
      this.clock.increment(STEP_MS);
    }
  }

  /** Lets `ms` of simulated time pass. */
  advance(ms: number): Promise<void> {
    return this.run(this.sleep(ms));
  }
}
