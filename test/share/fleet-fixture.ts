/** What the in-memory fleet tests share: fake timers from 1,000,000 ms, a fresh hub per test, and everything made stopped after it. */
import { afterEach, beforeEach, vi } from 'vitest';
import { createRegistry, type Registry } from '../../src/index.js';
import { createMemoryShareHub, type MemoryShareHub } from '../../src/testing/index.js';

type ShareOptions = Parameters<MemoryShareHub['share']>[0];

/** A call that fails as an unavailable service (it trips), and one that succeeds. */
export const boom = (): Promise<never> => Promise.reject(Object.assign(new Error('down'), { status: 503 }));
export const ok = (): Promise<string> => Promise.resolve('ok');

/** Breakers that open on 3 failures for exactly 1 s, with a 500 ms probe timeout. */
export const fleetDefaults = {
  failureThreshold: 3,
  minBackoffMs: 1_000,
  maxBackoffMs: 1_000,
  probeTimeoutMs: 500,
  jitter: 0,
};

/** Registers the hooks; the returned helpers make registries sharing the test's hub. */
export function memoryFleet() {
  let hub: MemoryShareHub;
  const made: { stop(): void }[] = [];
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    hub = createMemoryShareHub();
  });
  afterEach(() => {
    for (const item of made.splice(0)) item.stop();
    vi.useRealTimers();
  });
  const registry = (defaults: object, share?: ShareOptions): Registry =>
    track(createRegistry({ defaults, share: hub.share(share) }));
  /** Stops `item` after the test. */
  const track = <T extends { stop(): void }>(item: T): T => {
    made.push(item);
    return item;
  };
  return {
    /** The running test's hub. */
    get hub(): MemoryShareHub {
      return hub;
    },
    track,
    registry,
    /** `n` registries sharing the hub, each ready. */
    fleet: async (n: number, defaults: object, share?: ShareOptions): Promise<Registry[]> => {
      const registries = Array.from({ length: n }, () => registry(defaults, share));
      await Promise.all(registries.map((r) => r.ready()));
      return registries;
    },
    /** Lets the hub's deliveries and the registries' reactions run (no time passes). */
    settle: () => vi.advanceTimersByTimeAsync(0),
  };
}
