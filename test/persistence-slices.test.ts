/** The persistence's long loops give the event loop a turn every few milliseconds of work. */
import { describe, expect, it } from 'vitest';
import { createRegistry, type RegistryChanges } from '../src/index.js';
import { TimeSlices } from '../src/time-slices.js';

/** Runs `items` through a sliced loop; returns how many items each slice held. */
async function sliceSizes(slices: TimeSlices, items: number, work: () => void = () => undefined) {
  const sizes: number[] = [0];
  for (let i = 0; i < items; i++) {
    if (slices.spent()) {
      await slices.next();
      sizes.push(0);
    }
    work();
    sizes[sizes.length - 1]!++;
  }
  return sizes;
}

/** Busy for `ms` milliseconds of wall time (a slow piece of work). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('time slices', () => {
  it('ends a slice once its budget is spent, reading the clock every 16 items', async () => {
    let now = 0;
    const slices = new TimeSlices({ now: () => now, budgetMs: 2, maxItems: 1_000 });
    const sizes = await sliceSizes(slices, 100, () => (now += 0.1)); // 0.1 ms an item
    // 2 ms is spent after 20 items; the clock is read at the 32nd
    expect(sizes).toEqual([31, 31, 31, 7]);
  });

  it('ends a slice after maxItems items when the clock stands still (fake timers)', async () => {
    const slices = new TimeSlices({ now: () => 0, maxItems: 1_024 });
    expect(await sliceSizes(slices, 2_500)).toEqual([1_024, 1_024, 452]);
  });

  it('lets callbacks already queued run between two slices', async () => {
    const slices = new TimeSlices({ now: () => 0, maxItems: 1 });
    const order: string[] = [];
    setImmediate(() => order.push('immediate'));
    await sliceSizes(slices, 3, () => order.push('item'));
    expect(order).toEqual(['item', 'immediate', 'item', 'item']);
  });
});

describe('a large batch of changes', () => {
  it('is read in slices of a few milliseconds, with the event loop turning between them', async () => {
    const written: RegistryChanges[] = [];
    const registry = createRegistry({
      defaults: { failureThreshold: 1, minBackoffMs: 60_000 },
      store: { load: () => undefined, write: (changes) => void written.push(changes), writeDelayMs: 25 },
    });
    const tools = Array.from({ length: 600 }, (_, i) => `tool-${i}`);
    for (const tool of tools) {
      registry.tryAcquire(tool)?.failure('network');
      const breaker = registry.breaker(tool);
      const live = breaker.getSnapshot.bind(breaker);
      const persisted = breaker.getPersistedSnapshot.bind(breaker);
      // 600 × 0.05 ms: 30 ms of reading, whichever way the state is read
      breaker.getSnapshot = () => (busy(0.05), live());
      breaker.getPersistedSnapshot = () => (busy(0.05), persisted());
    }
    let turns = 0;
    const tick = () => {
      if (written.length > 0) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await registry.flush();
    expect(written).toHaveLength(1);
    expect(written[0]?.tools.map(([tool]) => tool)).toEqual(tools);
    expect(written[0]?.tools.every(([, state]) => state !== null && 'open' in (state.value as object))).toBe(
      true,
    );
    // about 2 ms a slice: some 15 turns in 30 ms (a slice of 1,024 tools would have held it all)
    expect(turns).toBeGreaterThanOrEqual(5);
    registry.stop();
    await registry.flush();
  });
});
