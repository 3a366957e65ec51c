/** Registries sharing breakers through an in-memory share, on simulated time. */
import { describe, expect, it, vi } from 'vitest';
import { createBreaker, createRegistry, type Registry } from '../../src/index.js';
import { boom, ok, fleetDefaults, memoryFleet } from './fleet-fixture.js';

describe('registries sharing one state per tool (in-memory share)', () => {
  const fx = memoryFleet();
  const make = (flushIntervalMs?: number): Registry =>
    fx.registry(fleetDefaults, flushIntervalMs === undefined ? {} : { flushIntervalMs });
  const { settle } = fx;

  it('opens the circuit in every registry when one of them opens it', async () => {
    const [a, b] = [make(), make()];
    await Promise.all([a.ready(), b.ready()]);
    expect(a.shareStatus).toBe('connected');
    for (let i = 0; i < 3; i++) await a.execute('llm', boom).catch(() => undefined);
    expect(a.state('llm')).toBe('open');
    await settle();
    expect(b.state('llm')).toBe('open');
    await expect(b.execute('llm', ok)).rejects.toMatchObject({ name: 'BrokenCircuitError' });
    expect(fx.hub.read('llm')).toMatchObject({ state: 'open', generation: 1, remainingMs: 1_000 });
  });

  it('counts consecutive failures for the fleet: two here and one there trip both', async () => {
    const [a, b] = [make(), make()];
    await Promise.all([a.ready(), b.ready()]);
    await a.execute('llm', boom).catch(() => undefined);
    await a.execute('llm', boom).catch(() => undefined);
    await settle();
    await b.execute('llm', boom).catch(() => undefined);
    await settle();
    expect(fx.hub.read('llm').state).toBe('open');
    expect(a.state('llm')).toBe('open');
    expect(b.state('llm')).toBe('open');
  });

  it('a success anywhere clears the fleet count (read from stats at the next flush)', async () => {
    const [a, b] = [make(50), make(50)];
    await Promise.all([a.ready(), b.ready()]);
    await a.execute('llm', boom).catch(() => undefined);
    await a.execute('llm', boom).catch(() => undefined);
    await settle();
    expect(fx.hub.read('llm').failures).toBe(2);
    await b.execute('llm', ok);
    await vi.advanceTimersByTimeAsync(60);
    expect(fx.hub.read('llm').failures).toBe(0);
    await b.execute('llm', boom).catch(() => undefined);
    await settle();
    expect(fx.hub.read('llm')).toMatchObject({ state: 'closed', failures: 1 });
  });

  it('lets one registry probe at backoff end; the other rejects until the lease ends, then hears the close', async () => {
    const [a, b] = [make(), make()];
    await Promise.all([a.ready(), b.ready()]);
    for (let i = 0; i < 3; i++) await a.execute('llm', boom).catch(() => undefined);
    await settle();
    await vi.advanceTimersByTimeAsync(1_000);
    const states = [a.breaker('llm').getSnapshot().value, b.breaker('llm').getSnapshot().value];
    expect(states).toContainEqual({ halfOpen: 'idle' });
    expect(states).toContainEqual({ open: 'cooling' });
    const [winner, other] = JSON.stringify(states[0]).includes('halfOpen') ? [a, b] : [b, a];
    await expect(other.execute('llm', ok)).rejects.toMatchObject({ name: 'BrokenCircuitError' });
    await winner.execute('llm', ok);
    expect(winner.state('llm')).toBe('closed');
    await settle();
    expect(other.state('llm')).toBe('closed');
    expect(fx.hub.read('llm')).toMatchObject({ state: 'closed', generation: 2 });
  });

  it('rejects calls while waiting for the lease answer (no caller waits on the share)', async () => {
    const a = make();
    await a.ready();
    for (let i = 0; i < 3; i++) await a.execute('llm', boom).catch(() => undefined);
    await settle();
    vi.advanceTimersByTime(1_000); // the backoff ends; the answer is not in yet
    expect(a.breaker('llm').getSnapshot().value).toEqual({ halfOpen: 'claiming' });
    await expect(a.execute('llm', ok)).rejects.toMatchObject({ name: 'BrokenCircuitError' });
    await settle();
    expect(a.breaker('llm').getSnapshot().value).toEqual({ halfOpen: 'idle' });
  });

  it('reopens the fleet when the probe outlives its lease; the late success then changes nothing', async () => {
    const [a, b] = [make(), make()];
    await Promise.all([a.ready(), b.ready()]);
    for (let i = 0; i < 3; i++) await a.execute('llm', boom).catch(() => undefined);
    await settle();
    await vi.advanceTimersByTimeAsync(1_000);
    const [winner, other] = JSON.stringify(a.breaker('llm').getSnapshot().value).includes('halfOpen')
      ? [a, b]
      : [b, a];
    const permit = winner.tryAcquire('llm');
    expect(permit).toBeDefined();
    // The other waits out the winner's lease (probeTimeoutMs) in open.
    await vi.advanceTimersByTimeAsync(499);
    expect(other.breaker('llm').getSnapshot().value).toEqual({ open: 'cooling' });
    await vi.advanceTimersByTimeAsync(2);
    // The winner's probe timed out: it reopened and published; the other follows.
    expect(winner.state('llm')).toBe('open');
    expect(fx.hub.read('llm').generation).toBe(2);
    permit?.success();
    await settle();
    expect(winner.state('llm')).toBe('open');
  });

  it('degrades with one warning when the share is unreachable; breakers keep working alone; resyncs on return', async () => {
    const [a, b] = [make(), make()];
    await Promise.all([a.ready(), b.ready()]);
    const warnings: string[] = [];
    a.on('warning', (e) => warnings.push(e.message));
    fx.hub.reachable = false;
    await settle();
    expect(a.shareStatus).toBe('degraded');
    for (let i = 0; i < 3; i++) await a.execute('llm', boom).catch(() => undefined);
    expect(a.state('llm')).toBe('open');
    await settle();
    expect(b.state('llm')).toBe('closed');
    await a.execute('other', boom).catch(() => undefined);
    expect(warnings).toHaveLength(1);
    fx.hub.reachable = true;
    await settle();
    expect(a.shareStatus).toBe('connected');
    expect(fx.hub.read('llm').state).toBe('open');
    expect(b.state('llm')).toBe('open');
  });

  it('ready() resolves once the fleet state is loaded: a new registry starts with the fleet open', async () => {
    const a = make();
    await a.ready();
    for (let i = 0; i < 3; i++) await a.execute('llm', boom).catch(() => undefined);
    await settle();
    const late = make();
    await late.ready();
    expect(late.state('llm')).toBe('open');
    expect(late.diagnostics('llm').remainingBackoffMs).toBe(1_000);
  });

  it('shares a standalone breaker under its name with the registries of the fleet', async () => {
    const registry = make();
    const breaker = createBreaker({ ...fleetDefaults, share: fx.hub.share(), name: 'llm' });
    await registry.ready();
    await settle();
    for (let i = 0; i < 3; i++) await breaker.execute(boom).catch(() => undefined);
    await settle();
    expect(registry.state('llm')).toBe('open');
    breaker.reset();
    await settle();
    expect(fx.hub.read('llm')).toMatchObject({ state: 'closed', reason: 'reset', generation: 2 });
    expect(registry.state('llm')).toBe('closed');
    breaker.stop();
  });

  it('refuses a share without a name, and a share that is not one', () => {
    expect(() => createBreaker({ share: fx.hub.share() })).toThrow(/needs a name/);
    expect(() => createBreaker({ share: {} as never, name: 'x' })).toThrow(/must be a fleet share/);
    expect(() => createRegistry({ share: 42 as never })).toThrow(/must be a fleet share/);
  });

  it('registry.reset(tool) resets the fleet: the other registries close', async () => {
    const [a, b] = [make(), make()];
    await Promise.all([a.ready(), b.ready()]);
    for (let i = 0; i < 3; i++) await a.execute('llm', boom).catch(() => undefined);
    await settle();
    expect(b.state('llm')).toBe('open');
    a.reset('llm');
    await settle();
    expect(fx.hub.read('llm')).toMatchObject({ state: 'closed', reason: 'reset' });
    expect(b.state('llm')).toBe('closed');
  });
});
