import { describe, expect, it } from 'vitest';
import { redisShare, type RedisShareOptions } from '../../src/redis/index.js';

describe('redisShare options', () => {
  it('refuses an unknown option, naming the nearest known one, instead of silently using the default server', () => {
    expect(() => redisShare({ uri: 'redis://10.0.0.9:6379' } as RedisShareOptions)).toThrow(
      new TypeError('tripstate: unknown redisShare option "uri" (did you mean url?)'),
    );
    expect(() => redisShare({ keyprefix: 'fleet:' } as RedisShareOptions)).toThrow(
      /did you mean keyPrefix\?/,
    );
  });

  it('refuses options that are not an object', () => {
    expect(() => redisShare(null as unknown as RedisShareOptions)).toThrow(
      /^tripstate: redisShare options must be an object, got null$/,
    );
    expect(() => redisShare('redis://x' as unknown as RedisShareOptions)).toThrow(TypeError);
  });

  it('refuses durations that are not positive milliseconds, naming the option and the value', () => {
    for (const name of ['flushIntervalMs', 'commandTimeoutMs', 'retryIntervalMs'] as const) {
      for (const value of [0, -1, Number.NaN, Infinity, '50'])
        expect(() => redisShare({ [name]: value })).toThrow(
          new RangeError(
            `tripstate: redisShare option ${name} must be a number of milliseconds > 0, got ${String(value)}`,
          ),
        );
    }
  });

  it('refuses a key prefix that is not a string', () => {
    expect(() => redisShare({ keyPrefix: 7 as unknown as string })).toThrow(
      'tripstate: redisShare option keyPrefix must be a string',
    );
  });

  it('tells the registry its flush interval, 50 ms by default, without connecting', () => {
    expect(redisShare().flushIntervalMs).toBe(50);
    expect(redisShare({ flushIntervalMs: 20, url: 'redis://127.0.0.1:1' }).flushIntervalMs).toBe(20);
  });
});
