/** The options of `redisShare` and the node-redis client it needs; their checks and defaults. */
import { checkOptionNames, checkOptionsObject } from '../option-checks.js';

/** The node-redis client methods the share uses (`createClient()` of the `redis` package, v5 or v6). */
export interface RedisShareClient {
  sendCommand(args: string[]): Promise<unknown>;
  connect(): Promise<unknown>;
  duplicate(): RedisShareClient;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off?(event: string, listener: (...args: unknown[]) => void): unknown;
  readonly isOpen: boolean;
  readonly isReady?: boolean;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
  destroy?(): unknown;
}

/** Options of `redisShare`. */
export interface RedisShareOptions {
  /** The server, when the share makes its own client. @default 'redis://127.0.0.1:6379' */
  readonly url?: string;
  /** A node-redis client (connected or not) to use instead of one made from `url`; the share never closes it. */
  readonly client?: RedisShareClient;
  /** Prefix of every key and of the channel. @default 'tripstate:' */
  readonly keyPrefix?: string;
  /** Milliseconds between flushes of aggregated outcomes (the bound on a fleet-wide trip's lateness). @default 50 */
  readonly flushIntervalMs?: number;
  /** Milliseconds a command may take before the share counts as degraded. @default 500 */
  readonly commandTimeoutMs?: number;
  /** Milliseconds between PINGs while degraded. @default 1000 */
  readonly retryIntervalMs?: number;
}

/** The options a session runs with: every default filled in. @internal */
export type RedisShareSessionOptions = Required<Omit<RedisShareOptions, 'client' | 'url'>> & {
  url: string;
  client?: RedisShareClient;
};

const positive = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `tripstate: redisShare option ${name} must be a number of milliseconds > 0, got ${String(value)}`,
    );
  }
  return value;
};

const OPTIONS: readonly (keyof RedisShareOptions)[] = [
  'url',
  'client',
  'keyPrefix',
  'flushIntervalMs',
  'commandTimeoutMs',
  'retryIntervalMs',
];

/** Checks `redisShare`'s options and fills in the defaults. Throws a TypeError or RangeError naming the option. @internal */
export function resolveRedisShareOptions(options: RedisShareOptions): RedisShareSessionOptions {
  checkOptionsObject('redisShare options', options);
  checkOptionNames('redisShare option', options, OPTIONS);
  const resolved: RedisShareSessionOptions = {
    url: options.url ?? 'redis://127.0.0.1:6379',
    keyPrefix: options.keyPrefix ?? 'tripstate:',
    flushIntervalMs: positive('flushIntervalMs', options.flushIntervalMs, 50),
    commandTimeoutMs: positive('commandTimeoutMs', options.commandTimeoutMs, 500),
    retryIntervalMs: positive('retryIntervalMs', options.retryIntervalMs, 1_000),
    ...(options.client === undefined ? {} : { client: options.client }),
  };
  if (typeof resolved.keyPrefix !== 'string')
    throw new TypeError('tripstate: redisShare option keyPrefix must be a string');
  return resolved;
}
