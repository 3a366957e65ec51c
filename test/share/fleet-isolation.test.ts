/** isolate() and release() for the whole fleet: registries and a breaker sharing one state (in-memory share). */
import { describe, expect, it, vi } from 'vitest';
import { createBreaker, type Registry } from '../../src/index.js';
import { boom, ok, memoryFleet } from './fleet-fixture.js';

const defaults = { failureThreshold: 3, minBackoffMs: 1_000, maxBackoffMs: 1_000, jitter: 0 };

describe('isolations for the fleet (in-memory share)', () => {
  const fx = memoryFleet();
  const fleet = (n: number): Promise<Registry[]> => fx.fleet(n, defaults);
  const { settle } = fx;

  it('isolates the tool in every registry when one isolates it, and releases it in every one', async () => {
    const [a, b, c] = await fleet(3);
    await b?.execute('llm', ok);
    a?.isolate('llm');
    await settle();
    expect(fx.hub.read('llm')).toMatchObject({ state: 'isolated', reason: 'isolated', generation: 1 });
    for (const r of [a, b, c]) expect(r?.state('llm')).toBe('isolated');
    await expect(c?.execute('llm', ok)).rejects.toMatchObject({ name: 'IsolatedCircuitError' });
    // Isolated stays isolated past any backoff, and ignores failures elsewhere.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(b?.state('llm')).toBe('isolated');
    b?.release('llm');
    await settle();
    expect(fx.hub.read('llm')).toMatchObject({ state: 'closed', reason: 'released', generation: 2 });
    for (const r of [a, b, c]) expect(r?.state('llm')).toBe('closed');
    await expect(c?.execute('llm', ok)).resolves.toBe('ok');
  });

  it('releases for the fleet an isolation released before the share answered it', async () => {
    const [a, b] = await fleet(2);
    a?.isolate('llm');
    a?.release('llm'); // the ISOLATE write is not answered yet
    await settle();
    expect(fx.hub.read('llm')).toMatchObject({ state: 'closed', reason: 'released', generation: 2 });
    expect(a?.state('llm')).toBe('closed');
    expect(b?.state('llm')).toBe('closed');
  });

  it('keeps a newer isolation when an older one is released late (fenced by the fleet generation)', async () => {
    const [a, b] = await fleet(2);
    a?.isolate('llm');
    await settle();
    const first = fx.hub.read('llm').generation;
    b?.release('llm');
    await settle();
    a?.isolate('llm'); // isolated again: a newer isolation
    await settle();
    expect(fx.hub.read('llm')).toMatchObject({ state: 'isolated', generation: first + 2 });
    // A late release of the first isolation (from a process that saw only it) is refused.
    const session = fx.hub.share().open({ record: () => undefined, status: () => undefined });
    expect(await session.release('llm', first)).toMatchObject({ state: 'isolated', generation: first + 2 });
    await session.end();
    expect(a?.state('llm')).toBe('isolated');
    expect(b?.state('llm')).toBe('isolated');
  });

  it('an opening cannot override the fleet isolation; a reset ends it for the fleet', async () => {
    const [a, b] = await fleet(2);
    for (let i = 0; i < 3; i++) await a?.execute('llm', boom).catch(() => undefined);
    await settle();
    expect(fx.hub.read('llm').state).toBe('open');
    b?.isolate('llm');
    await settle();
    expect(a?.state('llm')).toBe('isolated');
    const session = fx.hub.share().open({ record: () => undefined, status: () => undefined });
    const g = fx.hub.read('llm').generation;
    const refused = await session.open('llm', g, { reason: 'threshold', backoffMs: 1, remainingMs: 1 });
    expect(refused).toMatchObject({ state: 'isolated', generation: g });
    await session.end();
    a?.reset('llm');
    await settle();
    expect(fx.hub.read('llm')).toMatchObject({ state: 'closed', reason: 'reset' });
    expect(b?.state('llm')).toBe('closed');
  });

  it('publishes an isolation made while the share was unreachable once it returns; a registry started later loads it', async () => {
    const [a, b] = await fleet(2);
    fx.hub.reachable = false;
    await settle();
    a?.isolate('llm');
    expect(a?.state('llm')).toBe('isolated');
    expect(b?.state('llm')).toBe('closed');
    fx.hub.reachable = true;
    await settle();
    expect(fx.hub.read('llm').state).toBe('isolated');
    expect(b?.state('llm')).toBe('isolated');
    const [late] = await fleet(1);
    expect(late?.state('llm')).toBe('isolated');
  });

  it('isolates a standalone breaker shared under its name with the registries', async () => {
    const [registry] = await fleet(1);
    const breaker = createBreaker({ ...defaults, share: fx.hub.share(), name: 'llm' });
    await settle();
    registry?.isolate('llm');
    await settle();
    expect(breaker.state).toBe('isolated');
    breaker.release();
    await settle();
    expect(registry?.state('llm')).toBe('closed');
    breaker.stop();
  });
});
