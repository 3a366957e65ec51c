/** Outcome windows summed for the fleet: registries sharing one window per tool (in-memory share, simulated time). */
import { describe, expect, it, vi } from 'vitest';
import { createRegistry, type Registry } from '../../src/index.js';
import { boom, ok, memoryFleet } from './fleet-fixture.js';

const windowed = {
  failureThreshold: 1_000, // the consecutive count never trips here: only rates do
  minBackoffMs: 1_000,
  maxBackoffMs: 1_000,
  probeTimeoutMs: 500,
  jitter: 0,
  window: { ms: 10_000, buckets: 10 },
  failureRateThreshold: 0.5,
  minimumCalls: 10,
};

describe('outcome windows summed for the fleet (in-memory share)', () => {
  const fx = memoryFleet();
  const fleet = (n: number, defaults: object = windowed): Promise<Registry[]> =>
    fx.fleet(n, defaults, { flushIntervalMs: 50 });
  const run = async (registry: Registry, outcomes: string): Promise<void> => {
    for (const o of outcomes) await registry.execute('llm', o === 'x' ? boom : ok).catch(() => undefined);
  };
  const flushed = () => vi.advanceTimersByTimeAsync(60);

  it('opens every registry on the fleet failure rate when each is below its own minimumCalls', async () => {
    const workers = await fleet(4);
    for (const w of workers) {
      expect(fx.hub.read('llm').state).toBe('closed');
      await run(w, '.xx'); // 3 calls, 2 failures: below minimumCalls 10 alone
      await flushed();
    }
    // 12 calls, 8 failures for the fleet: 67 % >= 50 % with 12 >= 10 calls.
    expect(fx.hub.read('llm')).toMatchObject({ state: 'open', reason: 'failureRate' });
    for (const w of workers) expect(w.state('llm')).toBe('open');
    const opened = workers[0]?.diagnostics('llm');
    expect(opened?.remainingBackoffMs).toBeGreaterThan(0);
  });

  it('the same outcomes without a share open no registry', async () => {
    const alone = [0, 1, 2, 3].map(() => createRegistry({ defaults: windowed }));
    for (const r of alone) fx.track(r);
    for (const w of alone) await run(w, '.xx');
    for (const w of alone) expect(w.state('llm')).toBe('closed');
  });

  it('stays closed while the fleet rate is below the threshold', async () => {
    const workers = await fleet(4);
    for (const w of workers) {
      await run(w, '..x.x'); // 40 %
      await flushed();
    }
    expect(fx.hub.read('llm')).toMatchObject({ state: 'closed', windowCalls: 20, windowFailures: 8 });
    for (const w of workers) expect(w.state('llm')).toBe('closed');
  });

  it('counts the successes a registry had before the fleet window held a failure', async () => {
    const [quiet, ...failing] = await fleet(4, { ...windowed, failureRateThreshold: 0.6 });
    await run(quiet as Registry, '............'); // 12 successes, nothing sent yet
    await flushed();
    expect(fx.hub.read('llm').windowCalls).toBe(0);
    await run(failing[0] as Registry, 'x');
    await flushed(); // the first failure is announced: the quiet registry sends its window's successes
    expect(fx.hub.read('llm')).toMatchObject({ windowCalls: 13, windowFailures: 1 });
    for (const w of failing) {
      await run(w, 'xxxx');
      await flushed();
    }
    // 12 successes and 13 failures: 52 % < 60 % (without the quiet one's successes: 100 %).
    expect(fx.hub.read('llm')).toMatchObject({ state: 'closed', windowCalls: 25, windowFailures: 13 });
  });

  it('forgets outcomes older than the window: failures spread over more than its span do not trip', async () => {
    const workers = await fleet(2);
    await run(workers[0] as Registry, 'xxxxxx');
    await flushed();
    expect(fx.hub.read('llm').windowFailures).toBe(6);
    await vi.advanceTimersByTimeAsync(10_000);
    await run(workers[1] as Registry, 'xxxxxx');
    await flushed();
    expect(fx.hub.read('llm')).toMatchObject({ state: 'closed', windowCalls: 6, windowFailures: 6 });
  });

  it('approximates a count window by the newest seconds holding that many calls', async () => {
    const counted = { ...windowed, window: { calls: 10 }, minimumCalls: 10 };
    const [quiet, a, b] = await fleet(3, counted);
    await run(a as Registry, 'x'); // announces: every registry follows the tool
    await flushed();
    await run(quiet as Registry, '....................');
    await flushed();
    await vi.advanceTimersByTimeAsync(1_000);
    await run(a as Registry, 'xxxxx');
    await run(b as Registry, 'xxxx');
    await flushed();
    // 9 calls this second, so the second before counts too: 30 calls, 10 failures (33 %).
    expect(fx.hub.read('llm')).toMatchObject({ state: 'closed', windowCalls: 30, windowFailures: 10 });
    await run(b as Registry, 'x');
    await flushed();
    // This second alone holds 10 calls, all failed: the successes before are out of the window.
    expect(fx.hub.read('llm')).toMatchObject({ state: 'open', reason: 'failureRate' });
    expect(quiet?.state('llm')).toBe('open');
  });

  it('opens every registry on the fleet slow-call rate, from slow successes alone', async () => {
    const slowRule = {
      ...windowed,
      failureRateThreshold: 1,
      slowCallDurationMs: 100,
      slowCallRateThreshold: 0.5,
    };
    const workers = await fleet(4, slowRule);
    const slowly = () => new Promise<string>((resolve) => setTimeout(() => resolve('ok'), 150));
    for (const w of workers) {
      expect(fx.hub.read('llm').state).toBe('closed');
      for (let i = 0; i < 3; i++) {
        const call = w.execute('llm', slowly);
        await vi.advanceTimersByTimeAsync(150);
        await call;
      }
      await flushed();
    }
    // 12 calls, all slow: the fleet opens at the fourth registry (each saw 3 < minimumCalls).
    expect(fx.hub.read('llm')).toMatchObject({ state: 'open', reason: 'slowCallRate' });
    for (const w of workers) expect(w.state('llm')).toBe('open');
  });

  it('does not count slow failures of a category that does not trip in the fleet slow-call rate', async () => {
    const slowRule = {
      ...windowed,
      failureRateThreshold: 1,
      slowCallDurationMs: 100,
      slowCallRateThreshold: 0.5,
    };
    const workers = await fleet(4, slowRule);
    // The model's argument mistakes, slow to come back: neither outcomes nor slow calls of the window.
    const slowMistake = () =>
      new Promise<string>((_, reject) =>
        setTimeout(() => reject(Object.assign(new Error('path must be relative'), { status: 422 })), 150),
      );
    for (const w of workers) {
      await run(w, '...x'); // 4 counted calls, fast; the failure makes the fleet follow the tool
      for (let i = 0; i < 3; i++) {
        const call = w.execute('llm', slowMistake).catch(() => undefined);
        await vi.advanceTimersByTimeAsync(150);
        await call;
      }
      await run(w, '.'); // one more counted call: its batch carries the slow calls so far
      await flushed();
    }
    // 20 counted calls, none slow: the 12 slow mistakes would make 60 % if they were counted.
    expect(fx.hub.read('llm')).toMatchObject({ state: 'closed', windowCalls: 20, windowSlow: 0 });
    for (const w of workers) {
      expect(w.state('llm')).toBe('closed');
      expect(w.breaker('llm').stats()).toMatchObject({ slowCalls: 3, ignored: 3 });
    }
  });
});
