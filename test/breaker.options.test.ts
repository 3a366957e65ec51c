import { describe, expect, it } from 'vitest';
import {
  Breaker,
  DEFAULT_BREAKER_CONFIG,
  createBreaker,
  resolveBreakerConfig,
  type BreakerOptions,
} from '../src/index.js';

describe('options', () => {
  it('fills every default', () => {
    expect(resolveBreakerConfig()).toEqual(DEFAULT_BREAKER_CONFIG);
    expect(DEFAULT_BREAKER_CONFIG).toMatchObject({
      failureThreshold: 5,
      minBackoffMs: 5_000,
      maxBackoffMs: 120_000,
      backoffFactor: 2,
      jitter: 0,
      halfOpenProbes: 1,
      probeTimeoutMs: 60_000,
    });
  });

  it('gives breakers made without options the defaults, each with a state of its own', () => {
    const a = createBreaker();
    const b = createBreaker({});
    expect(a.config).toEqual(DEFAULT_BREAKER_CONFIG);
    expect(b.config).toEqual(DEFAULT_BREAKER_CONFIG);
    for (let i = 0; i < DEFAULT_BREAKER_CONFIG.failureThreshold; i++) a.tryAcquire()?.failure('network');
    expect(a.state).toBe('open');
    expect(b.state).toBe('closed');
    expect(b.failureCount).toBe(0);
    expect(createBreaker().state).toBe('closed');
    a.stop();
    b.stop();
  });

  it('gives the shared defaults only to options with no property at all, inherited ones included', () => {
    // `new Breaker` skips createBreaker's argument checks: an option only inherited through a
    // prototype must still be refused, not silently replaced by the defaults.
    const inherited = Object.create({ failureThreshold: 1 }) as BreakerOptions;
    expect(() => new Breaker(inherited)).toThrow(/inherited through the prototype/);
    const bare = Object.create(null) as BreakerOptions;
    expect(new Breaker(bare).config).toEqual(DEFAULT_BREAKER_CONFIG);
  });

  it('does not mutate the caller options and ignores duplicate categories', () => {
    const options = Object.freeze({ tripOn: Object.freeze(['network', 'network'] as const) });
    expect(resolveBreakerConfig(options).tripOn).toEqual(['network']);
  });

  it('raises the default maximum backoff when only a larger minimum is given', () => {
    expect(resolveBreakerConfig({ minBackoffMs: 600_000 })).toMatchObject({
      minBackoffMs: 600_000,
      maxBackoffMs: 600_000,
    });
  });

  const bad: [BreakerOptions, RegExp][] = [
    [{ failureThreshold: 0 }, /failureThreshold must be an integer >= 1, got 0/],
    [{ failureThreshold: -3 }, /failureThreshold must be an integer >= 1, got -3/],
    [{ failureThreshold: 2.5 }, /failureThreshold must be an integer >= 1, got 2.5/],
    [{ failureThreshold: Number.NaN }, /failureThreshold must be an integer >= 1, got NaN/],
    [{ halfOpenProbes: 0 }, /halfOpenProbes must be an integer >= 1, got 0/],
    [{ minBackoffMs: -1 }, /minBackoffMs must be a finite number of milliseconds/],
    [
      { minBackoffMs: Number.POSITIVE_INFINITY },
      /minBackoffMs must be a finite number of milliseconds.*got Infinity/,
    ],
    [{ maxBackoffMs: Number.NaN }, /maxBackoffMs must be a finite number of milliseconds.*got NaN/],
    [{ maxBackoffMs: 2 ** 31 }, /maxBackoffMs must be a finite number of milliseconds in \[0, 2147483647\]/],
    [{ minBackoffMs: 10, maxBackoffMs: 5 }, /minBackoffMs \(10\) must not exceed maxBackoffMs \(5\)/],
    [{ backoffFactor: 0.5 }, /backoffFactor must be a number >= 1, got 0.5/],
    [{ backoffFactor: Number.NaN }, /backoffFactor must be a number >= 1, got NaN/],
    [{ jitter: 1.5 }, /jitter must be a number in \[0, 1\], got 1.5/],
    [{ probeTimeoutMs: 0 }, /probeTimeoutMs must be a finite number of milliseconds in \[1, /],
    [{ tripOn: ['network', 'boom' as never] }, /tripOn must be a list of known error categories, got "boom"/],
  ];
  it.each(bad)('rejects %j with a RangeError naming option and value', (options, message) => {
    expect(() => createBreaker(options)).toThrow(RangeError);
    expect(() => createBreaker(options)).toThrow(message);
  });

  it('rejects a non-function classify and a non-array tripOn with a TypeError', () => {
    expect(() => createBreaker({ classify: 'network' as never })).toThrow(
      /option classify must be a function/,
    );
    expect(() => createBreaker({ tripOn: 'network' as never })).toThrow(TypeError);
  });

  it('rejects an option name it does not know, suggesting the one meant', () => {
    expect(() => createBreaker({ failureThresold: 3 } as never)).toThrow(
      'tripstate: unknown option "failureThresold" (did you mean failureThreshold?)',
    );
    expect(() => createBreaker({ MINBACKOFFMS: 3 } as never)).toThrow(/did you mean minBackoffMs\?/);
    expect(() => createBreaker({ resetTimeout: 3 } as never)).toThrow(
      'tripstate: unknown option "resetTimeout" (tripstate calls it minBackoffMs: milliseconds open before the first probe)',
    );
    expect(() => createBreaker({ retries: 3 } as never)).toThrow(/^tripstate: unknown option "retries"$/);
  });

  it('accepts an infinite backoffFactor, clamping to the maximum', () => {
    expect(resolveBreakerConfig({ backoffFactor: Number.POSITIVE_INFINITY }).backoffFactor).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});
