/**
 * One process's session with the fleet over Redis: the scripts (`EVALSHA`, loaded on demand),
 * the records pushed by pub/sub on a second connection, command timeouts, and the degraded
 * mode with its PING until Redis answers again.
 */
import type { FleetRecord, OutcomeBatch, ReportRule, ShareHandlers, ShareSession } from '../share/types.js';
import type { RedisShareClient, RedisShareOptions, RedisShareSessionOptions } from './options.js';
import { parseRecord, SCRIPTS, SHAS, type ScriptName } from './record.js';

/** @internal */
export class RedisSession implements ShareSession {
  readonly #handlers: ShareHandlers;
  readonly #options: Required<Omit<RedisShareOptions, 'client' | 'url'>> & { url: string };
  readonly #own: boolean;
  #client: RedisShareClient | undefined;
  #subscriber: RedisShareClient | undefined;
  readonly #started: Promise<void>;
  #degraded = false;
  #ended = false;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(handlers: ShareHandlers, options: RedisShareSessionOptions) {
    this.#handlers = handlers;
    this.#options = options;
    this.#own = options.client === undefined;
    this.#client = options.client;
    this.#started = this.#start().catch((error: unknown) => this.#degrade(error));
  }

  get #channel(): string {
    return `${this.#options.keyPrefix}records`;
  }

  async #start(): Promise<void> {
    let client = this.#client;
    if (client === undefined) {
      const redis = (await import('redis')) as unknown as {
        createClient: (options: unknown) => RedisShareClient;
      };
      client = redis.createClient({
        url: this.#options.url,
        disableOfflineQueue: true,
        socket: { reconnectStrategy: (retries: number) => Math.min(50 * (retries + 1), 1_000) },
      });
      this.#client = client;
    }
    client.on('error', this.#onError);
    if (!client.isOpen) await this.#timed(client.connect());
    const subscriber = client.duplicate();
    subscriber.on('error', this.#onError);
    try {
      await this.#timed(subscriber.connect());
      await this.#timed(subscriber.subscribe(this.#channel, (message) => this.#message(message)));
    } catch (error) {
      // Not subscribed: the next PING round starts over with a new subscriber.
      subscriber.off?.('error', this.#onError);
      subscriber.destroy?.();
      throw error;
    }
    this.#subscriber = subscriber;
    if (this.#ended) return void subscriber.destroy?.();
    this.#handlers.status('connected');
  }

  readonly #onError = (error: unknown): void => {
    this.#degrade(error);
  };

  #message(message: string): void {
    let record: FleetRecord;
    try {
      record = parseRecord(message);
    } catch {
      return;
    }
    this.#handlers.record(record);
  }

  #degrade(error: unknown): void {
    if (this.#ended) return;
    if (!this.#degraded) {
      this.#degraded = true;
      this.#handlers.status('degraded', error);
    }
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#retry !== undefined || this.#ended) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#ping();
    }, this.#options.retryIntervalMs);
    (this.#retry as { unref?: () => void }).unref?.();
  }

  async #ping(): Promise<void> {
    const client = this.#client;
    try {
      if (client === undefined || this.#subscriber === undefined) {
        await this.#start();
        if (this.#subscriber === undefined) throw new Error('tripstate: not connected');
      } else {
        await this.#timed(client.sendCommand(['PING']));
        // Connected only once the subscriber is back too (node-redis resubscribes as it reconnects):
        // the resync that follows then cannot miss a record published in between.
        if (this.#subscriber.isReady === false) throw new Error('tripstate: the subscriber is reconnecting');
        await this.#timed(this.#subscriber.sendCommand(['PING']));
      }
      if (this.#ended || !this.#degraded) return;
      this.#degraded = false;
      this.#handlers.status('connected');
    } catch {
      this.#scheduleRetry();
    }
  }

  #timed<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`tripstate: Redis did not answer within ${this.#options.commandTimeoutMs} ms`)),
        this.#options.commandTimeoutMs,
      );
      (timer as { unref?: () => void }).unref?.();
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** Runs a script by its SHA1, loading it with EVAL when the server does not know it. */
  async #script(name: ScriptName, keys: string[], args: string[]): Promise<unknown> {
    await this.#started;
    const client = this.#client;
    if (client === undefined || this.#ended) throw new Error('tripstate: the Redis share is not connected');
    const tail = [String(keys.length), ...keys, ...args];
    try {
      try {
        return await this.#timed(client.sendCommand(['EVALSHA', SHAS[name], ...tail]));
      } catch (error) {
        if (!String((error as Error)?.message).includes('NOSCRIPT')) throw error;
        return await this.#timed(client.sendCommand(['EVAL', SCRIPTS[name], ...tail]));
      }
    } catch (error) {
      this.#degrade(error);
      throw error;
    }
  }

  async #write(
    name: ScriptName,
    tool: string,
    args: (string | number)[],
  ): Promise<FleetRecord & { granted?: boolean }> {
    const prefix = this.#options.keyPrefix;
    const keys = [
      `${prefix}record:${tool}`,
      `${prefix}lease:${tool}`,
      `${prefix}index`,
      `${prefix}window:${tool}`,
    ];
    return parseRecord(await this.#script(name, keys, [this.#channel, tool, ...args.map(String)]));
  }

  async load(): Promise<FleetRecord[]> {
    const prefix = this.#options.keyPrefix;
    const rows = await this.#script(
      'LOAD',
      [`${prefix}index`],
      [`${prefix}record:`, `${prefix}lease:`, `${prefix}window:`],
    );
    return (Array.isArray(rows) ? rows : []).map((row) => parseRecord(row));
  }

  report(tool: string, batch: OutcomeBatch, rule: ReportRule) {
    const w = rule.window;
    return this.#write('REPORT', tool, [
      batch.successes,
      batch.failures,
      rule.failureThreshold,
      rule.backoffMs,
      batch.slow ?? 0,
      ...(w == null
        ? ['']
        : [w.bucketMs, w.buckets, w.calls, w.minimumCalls, w.failureRateThreshold, w.slowCallRateThreshold]),
    ]);
  }

  open(
    tool: string,
    expected: number | null,
    opening: { reason: string; backoffMs: number; remainingMs: number },
  ) {
    return this.#write('OPEN', tool, [
      expected === null ? '' : expected,
      opening.reason,
      Math.round(opening.backoffMs),
      Math.round(opening.remainingMs),
    ]);
  }

  async claimProbe(tool: string, generation: number, token: string, leaseMs: number) {
    const record = await this.#write('CLAIM', tool, [generation, token, Math.max(1, Math.round(leaseMs))]);
    return { granted: record.granted === true, record };
  }

  close(tool: string, generation: number, token: string | null) {
    return this.#write('CLOSE', tool, [generation, token ?? '']);
  }

  reset(tool: string) {
    return this.#write('RESET', tool, []);
  }

  isolate(tool: string) {
    return this.#write('ISOLATE', tool, []);
  }

  release(tool: string, generation: number) {
    return this.#write('RELEASE', tool, [generation]);
  }

  async end(): Promise<void> {
    this.#ended = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    const subscriber = this.#subscriber;
    const client = this.#client;
    client?.off?.('error', this.#onError);
    const quit = async (c: RedisShareClient | undefined): Promise<void> => {
      if (c === undefined || !c.isOpen) return;
      try {
        await this.#timed((c.close ?? c.quit)?.call(c) ?? Promise.resolve());
      } catch {
        c.destroy?.();
      }
    };
    await quit(subscriber);
    if (this.#own) await quit(client);
  }
}
