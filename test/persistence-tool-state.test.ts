/** What a store is handed for a changed tool is its persisted state, whichever way it is read. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRegistry, type PersistedToolState, type RegistryChanges } from '../src/index.js';
import { toolState } from '../src/registry-snapshot.js';

afterEach(() => vi.useRealTimers());

/** A registry whose store keeps the latest state written for each tool. */
function recorded(defaults: Parameters<typeof createRegistry>[0] = {}) {
  const written = new Map<string, PersistedToolState | null>();
  const registry = createRegistry({
    ...defaults,
    store: {
      load: () => undefined,
      write: (changes: RegistryChanges) => {
        for (const [tool, state] of changes.tools) written.set(tool, state);
      },
      writeDelayMs: 0,
    },
  });
  /** The state written for `tool` against the one its persisted snapshot gives now. */
  const both = async (tool: string) => {
    await registry.flush();
    return {
      written: written.get(tool),
      persisted: toolState(registry.breaker(tool).getPersistedSnapshot()),
    };
  };
  return { registry, both, written };
}

describe('the state a store is handed', () => {
  it('equals the persisted snapshot without its configuration: open, half-open, isolated', async () => {
    vi.useFakeTimers();
    const { registry, both, written } = recorded({
      defaults: { failureThreshold: 1, minBackoffMs: 1_000, maxBackoffMs: 1_000, jitter: 0 },
    });
    registry.tryAcquire('b')?.failure('timeout');
    const open = await both('b');
    expect(open.written?.value).toEqual({ open: 'cooling' });
    expect(open.written).toEqual(open.persisted);

    await vi.advanceTimersByTimeAsync(1_000);
    const idle = await both('b');
    expect(idle.written?.value).toEqual({ halfOpen: 'idle' });
    expect(idle.written).toEqual(idle.persisted);

    registry.isolate('c');
    const isolated = await both('c');
    expect(isolated.written?.value).toBe('isolated');
    expect(isolated.written).toEqual(isolated.persisted);

    registry.reset('b');
    await registry.flush();
    expect(written.get('b')).toBeNull(); // a reset tool is forgotten: nothing to compare
    registry.stop();
  });

  it('equals the persisted snapshot for a closed tool with failures, written on stop()', async () => {
    const { registry, both } = recorded({ defaults: { failureThreshold: 3, minBackoffMs: 1_000 } });
    registry.tryAcquire('a')?.failure('network');
    registry.tryAcquire('a')?.failure('network');
    registry.stop();
    const closed = await both('a');
    expect(closed.written?.value).toBe('closed');
    expect(closed.written?.context.failureCount).toBe(2);
    expect(closed.written).toEqual(closed.persisted);
  });

  it('carries a window as plain counts, equal to the persisted one', async () => {
    const { registry, both } = recorded({
      defaults: { window: { calls: 10 }, minimumCalls: 4, failureRateThreshold: 0.5, minBackoffMs: 60_000 },
    });
    for (const ok of [true, false, true, false, false]) {
      const permit = registry.tryAcquire('w');
      if (ok) permit?.success();
      else permit?.failure('network');
    }
    const { written, persisted } = await both('w');
    expect(written?.value).toEqual({ open: 'cooling' });
    expect(written?.context.window?.counts.some((n) => n > 0)).toBe(true);
    expect(Array.isArray(written?.context.window?.counts)).toBe(true);
    expect(written).toEqual(persisted);
    expect(written).not.toHaveProperty('context.config');
    registry.stop();
  });
});
