/**
 * In a fleet, a registry that half-opens and finds the probe held by another process is open
 * again: it lists the circuit among its open ones, counts it towards `maxOpenCircuits`, and
 * announces it (`opened`, reason `probeTaken`), so that what listeners count follows the state.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Registry } from '../../src/index.js';
import { boom, fleetDefaults, memoryFleet } from './fleet-fixture.js';

describe('a registry whose fleet probe is held by another process', () => {
  const fx = memoryFleet();

  /** Two registries, the circuit opened by `a`, one backoff later: the lease winner and the other. */
  async function lostLease(): Promise<{
    winner: Registry;
    other: Registry;
    events: Map<Registry, string[]>;
  }> {
    const [a, b] = (await fx.fleet(2, fleetDefaults)) as [Registry, Registry];
    const events = new Map<Registry, string[]>([
      [a, []],
      [b, []],
    ]);
    for (const [r, seen] of events) {
      r.on('opened', (e) => seen.push(`opened ${e.reason}${e.remote === true ? ' remote' : ''}`));
      r.on('halfOpened', () => seen.push('halfOpened'));
      r.on('closed', (e) => seen.push(`closed ${e.reason}`));
    }
    for (let i = 0; i < 3; i++) await a.execute('llm', boom).catch(() => undefined);
    await fx.settle();
    await vi.advanceTimersByTimeAsync(1_000);
    const winner = JSON.stringify(a.breaker('llm').getSnapshot().value).includes('halfOpen') ? a : b;
    return { winner, other: winner === a ? b : a, events };
  }

  it('lists the circuit among its open ones while the other process probes', async () => {
    const { other } = await lostLease();
    expect(other.state('llm')).toBe('open');
    expect(other.openCircuits()).toEqual(['llm']);
    expect(other.shouldPauseForRecovery(1)).toBe(true);
  });

  it('announces the return to open, so that its halfOpened is followed by an opening', async () => {
    const { other, events } = await lostLease();
    const seen = events.get(other) as string[];
    expect(seen.slice(-2)).toEqual(['halfOpened', 'opened probeTaken remote']);
    expect(other.diagnostics('llm').remainingBackoffMs).toBeGreaterThan(0);
  });

  it('keeps counting it open through the other probe’s failure, and closes with its success', async () => {
    const { winner, other, events } = await lostLease();
    await winner.execute('llm', boom).catch(() => undefined); // the probe fails: the fleet reopens
    await fx.settle();
    expect(other.openCircuits()).toEqual(['llm']);
    await vi.advanceTimersByTimeAsync(1_000);
    const next = JSON.stringify(winner.breaker('llm').getSnapshot().value).includes('halfOpen')
      ? winner
      : other;
    await next.execute('llm', () => Promise.resolve('ok'));
    await fx.settle();
    expect([winner.openCircuits(), other.openCircuits()]).toEqual([[], []]);
    expect((events.get(other) as string[]).at(-1)).toMatch(/^closed/);
  });
});
