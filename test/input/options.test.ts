import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { serveDashboard } from '../../src/dashboard/index.js';
import { createBreaker, createRegistry, type RegistryEventMap } from '../../src/index.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('createBreaker refuses what is not options', () => {
  it.each([
    [null, /createBreaker options must be an object, got null/],
    [5, /createBreaker options must be an object, got number 5/],
    ['x', /createBreaker options must be an object, got string "x"/],
    [[], /createBreaker options must be an object, got an array/],
  ])('%j is a TypeError', (value, message) => {
    expect(() => createBreaker(value as never)).toThrow(TypeError);
    expect(() => createBreaker(value as never)).toThrow(message);
  });

  it('says an option only inherited through a prototype would be ignored', () => {
    const options = Object.create({ failureThreshold: 1 }) as object;
    expect(() => createBreaker(options)).toThrow(
      /option "failureThreshold" is inherited through the prototype/,
    );
    expect(() => createRegistry({ defaults: options })).toThrow(/inherited/);
  });

  it.each([
    ['timeout', /unknown option "timeout" \(tripstate calls it timeoutMs: milliseconds/],
    ['resetTimeout', /unknown option "resetTimeout" \(tripstate calls it minBackoffMs: milliseconds/],
    [
      'errorThresholdPercentage',
      /unknown option "errorThresholdPercentage" \(tripstate calls it failureRateThreshold/,
    ],
  ])('names the tripstate equivalent of opossum option %s', (name, message) => {
    expect(() => createBreaker({ [name]: 1000 })).toThrow(message);
  });

  it('refuses tripOn: [] (it would never trip)', () => {
    expect(() => createBreaker({ tripOn: [] })).toThrow(RangeError);
    expect(() => createBreaker({ tripOn: [] })).toThrow(/tripOn must list at least one category/);
  });

  it('refuses minBackoffMs: 0 with a larger maximum (no backoff would ever grow), allows 0 / 0', () => {
    expect(() => createBreaker({ minBackoffMs: 0 })).toThrow(/minBackoffMs 0 keeps every backoff at 0 ms/);
    expect(() => createBreaker({ minBackoffMs: 0, maxBackoffMs: 0 })).not.toThrow();
  });

  it('says a registry snapshot is one, whether passed as the snapshot or as the options', () => {
    const registry = createRegistry({ defaults: { failureThreshold: 1 } });
    registry.tryAcquire('search')?.failure('network');
    const saved = registry.getPersistedSnapshot();
    expect(() => createBreaker({ snapshot: saved })).toThrow(/this is a registry snapshot, not a breaker's/);
    expect(() => createBreaker(saved as never)).toThrow(/createBreaker got a registry snapshot/);
  });

  it('names the missing field of a snapshot', () => {
    const breaker = createBreaker({ failureThreshold: 1 });
    breaker.tryAcquire()?.failure('network');
    const { retryAt: _, ...context } = breaker.getPersistedSnapshot().context;
    const saved = { ...breaker.getPersistedSnapshot(), context };
    expect(() => createBreaker({ snapshot: saved })).toThrow(/missing context\.retryAt/);
    expect(() => createBreaker(breaker.getPersistedSnapshot() as never)).toThrow(
      /pass it as createBreaker\(\{ snapshot \}\)/,
    );
  });
});

describe('execute options', () => {
  it('rejects a misspelt option with a TypeError that names signal, running nothing', async () => {
    const breaker = createBreaker();
    const fn = vi.fn(() => 1);
    await expect(breaker.execute(fn, { sigal: new AbortController().signal } as never)).rejects.toThrow(
      /unknown execute\(\) option "sigal" \(did you mean signal\?\)/,
    );
    expect(fn).not.toHaveBeenCalled();
  });

  it('rejects a signal that is not an AbortSignal', async () => {
    const breaker = createBreaker();
    await expect(breaker.execute(() => 1, { signal: 'x' as never })).rejects.toThrow(
      /option signal must be an AbortSignal, got string "x"/,
    );
    const registry = createRegistry();
    await expect(registry.execute('t', () => 1, { signal: {} as never })).rejects.toThrow(TypeError);
    expect(breaker.diagnostics().failureCount).toBe(0);
  });
});

describe('registry and dashboard options', () => {
  it('refuses an override with both prefix and tool', () => {
    expect(() => createRegistry({ overrides: [{ prefix: 'mcp__', tool: 'x', options: {} }] })).toThrow(
      /overrides\[0\] has both tool and prefix/,
    );
  });

  it('refuses an unknown key in an override', () => {
    expect(() => createRegistry({ overrides: [{ tool: 'x', option: {} } as never] })).toThrow(
      /unknown overrides\[0\] "option" \(did you mean options\?\)/,
    );
  });

  it('refuses a misspelt dashboard option', async () => {
    const registry = createRegistry();
    await expect(serveDashboard(registry, { prot: 4321 } as never)).rejects.toThrow(
      /unknown dashboard option "prot" \(did you mean port\?\)/,
    );
  });

  it('names the cause of a failed save in the warning message', async () => {
    const registry = createRegistry({
      store: {
        load: () => undefined,
        save: () => {
          throw new Error('EACCES: permission denied, open /var/lib/tripstate.json');
        },
      },
    });
    const warnings: RegistryEventMap['warning'][] = [];
    registry.on('warning', (w) => warnings.push(w));
    registry.tryAcquire('a')?.failure('network');
    registry.isolate('a');
    await registry.flush().catch(() => undefined);
    expect(warnings[0]?.message).toContain(
      'tripstate: saving the registry failed (EACCES: permission denied, open /var/lib/tripstate.json)',
    );
    registry.stop();
  });
});
