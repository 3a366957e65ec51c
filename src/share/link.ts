/**
 * The share link: one per registry (or shared breaker). It turns the local breakers' openings,
 * closings and half-openings into the share's fenced writes, and the share's records into the
 * breakers' `fleet.*` chart events. Nothing here runs on a call's path, and no call waits on it.
 */
import type { BreakerEmitted } from '../../machines/breaker.types.js';
import type { FleetEvent } from '../../machines/breaker.fleet.types.js';
import type { Breaker } from '../breaker.js';
import { FleetIsolations } from './isolation.js';
import { FleetOutbox } from './outbox.js';
import { recordEvent } from './records.js';
import { claimLease, isClaiming, type LeaseLink } from './lease.js';
import { outboxSink } from './sink.js';
import type { FleetTarget } from './targets.js';
import type { FleetRecord, FleetShare, OutcomeBatch, ShareSession, ShareStatus } from './types.js';
import { FLEET_COUNT_HORIZON_MS, fleetWindowRule } from './window.js';

/** Default of `flushIntervalMs`: milliseconds between flushes of aggregated outcomes. */
export const DEFAULT_FLUSH_INTERVAL_MS = 50;

export class FleetLink {
  readonly #target: FleetTarget;
  readonly #session: ShareSession;
  readonly #outbox: FleetOutbox;
  readonly #isolations: FleetIsolations;
  readonly #leaseLink: LeaseLink;
  #status: ShareStatus = 'degraded';
  #everConnected = false;
  #warned = false;
  #stopped = false;
  /** Probe leases this process holds, by tool. */
  readonly #leases = new Map<string, { generation: number; token: string }>();
  /** Local openings and isolations the share has not taken yet (published at reconnection). */
  readonly #unpublished = new Set<string>();
  readonly #offs: (() => void)[] = [];
  readonly ready: Promise<void>;
  #resolveReady!: () => void;

  constructor(target: FleetTarget, share: FleetShare) {
    this.#target = target;
    this.ready = new Promise((resolve) => (this.#resolveReady = resolve));
    const interval = share.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.#outbox = new FleetOutbox(
      outboxSink(target, (tool, batch) => this.#report(tool, batch)),
      interval,
    );
    this.#offs.push(
      target.on('opened', (tool, event) => this.#opened(tool, event)),
      target.on('closed', (tool, event) => this.#closed(tool, event)),
      target.on('halfOpened', (tool) => this.#halfOpened(tool)),
      target.on('isolated', (tool, event) => this.#isolated(tool, event)),
    );
    const session = (this.#session = share.open({
      record: (record) => this.#apply(record),
      status: (status, error) => this.#onStatus(status, error),
    }));
    const connected = (): boolean => this.#status === 'connected' && !this.#stopped;
    const apply = (record: FleetRecord): void => this.#apply(record);
    this.#isolations = new FleetIsolations({
      session,
      connected,
      apply,
      failed: (tool, error) => this.#failed(tool, error),
    });
    this.#leaseLink = {
      session,
      connected,
      apply,
      now: () => target.now(),
      send: (breaker, event) => this.#send(breaker, event),
      failed: (error) => this.#failed(null, error),
      granted: (tool, generation, token) => this.#leases.set(tool, { generation, token }),
    };
  }

  /** `connected` or `degraded` (also before the share first answered). */
  get status(): ShareStatus {
    return this.#status;
  }

  /** A counted failure of a call (the breaker's hook): sent to the fleet's count when it was closed. */
  failed(breaker: Breaker): void {
    const tool = breaker.tool;
    if (this.#status !== 'connected' || tool === undefined || breaker.state !== 'closed') return;
    this.#outbox.failed(tool);
  }

  /** A slow success (the breaker's hook): a windowed tool is followed, its slow calls sent at the next flush. */
  slowSuccess(breaker: Breaker): void {
    const tool = breaker.tool;
    if (this.#status !== 'connected' || tool === undefined || breaker.config.window === null) return;
    if (breaker.state === 'closed') this.#outbox.slow(tool);
  }

  #onStatus(status: ShareStatus, error?: unknown): void {
    if (this.#stopped) return;
    if (status === 'degraded') {
      if (this.#status === 'connected' || !this.#everConnected) this.#degrade(error);
      return;
    }
    if (this.#status === 'connected') return;
    this.#status = 'connected';
    this.#everConnected = true;
    this.#warned = false;
    void this.#resync();
  }

  #degrade(error?: unknown): void {
    this.#status = 'degraded';
    this.#resolveReady();
    if (this.#warned || this.#stopped) return;
    this.#warned = true;
    this.#target.warn(
      'tripstate: the fleet share is unreachable; each process decides alone until it returns',
      error,
    );
  }

  /** A share command failed: degraded until the share reports itself connected again. */
  #failed(tool: string | null, error: unknown): void {
    if (tool !== null) this.#unpublished.add(tool);
    if (this.#status === 'connected') this.#degrade(error);
  }

  /** Loads every record (newer generations win in the chart), then publishes local openings and isolations. */
  async #resync(): Promise<void> {
    try {
      const records = await this.#session.load();
      for (const record of records) this.#apply(record);
      for (const tool of [...this.#unpublished]) {
        this.#unpublished.delete(tool);
        const breaker = this.#target.breaker(tool, false);
        if (breaker?.state === 'open') this.#publishOpening(tool, breaker, 'threshold');
        if (breaker?.state === 'isolated') this.#isolations.isolate(tool);
      }
    } catch (error) {
      this.#failed(null, error);
    } finally {
      this.#resolveReady();
    }
  }

  #opened(tool: string, event: BreakerEmitted): void {
    if (event.type !== 'opened' || event.remote === true || this.#stopped) return;
    this.#leases.delete(tool);
    this.#outbox.unwatch(tool);
    const breaker = this.#target.breaker(tool, false);
    if (breaker !== undefined) this.#publishOpening(tool, breaker, event.reason, event.backoffMs);
  }

  #publishOpening(
    tool: string,
    breaker: Breaker,
    reason: Extract<BreakerEmitted, { type: 'opened' }>['reason'],
    remainingMs?: number,
  ): void {
    if (this.#status !== 'connected') return void this.#unpublished.add(tool);
    const context = breaker.getSnapshot().context;
    const remaining = remainingMs ?? Math.max(0, (context.retryAt ?? 0) - this.#target.now());
    this.#session
      .open(tool, context.fleetGeneration, {
        reason,
        backoffMs: context.currentBackoffMs,
        remainingMs: remaining,
      })
      .then(
        (record) => this.#apply(record),
        (error: unknown) => this.#failed(tool, error),
      );
  }

  #closed(tool: string, event: BreakerEmitted): void {
    if (event.type !== 'closed' || event.remote === true || this.#stopped) return;
    const lease = this.#leases.get(tool);
    this.#leases.delete(tool);
    this.#unpublished.delete(tool);
    if (this.#status !== 'connected') return;
    const breaker = this.#target.breaker(tool, false);
    if (event.reason === 'released') return this.#isolations.release(tool, breaker);
    const generation = lease?.generation ?? breaker?.getSnapshot().context.fleetGeneration ?? null;
    const write =
      event.reason === 'reset'
        ? this.#session.reset(tool)
        : generation === null
          ? null
          : this.#session.close(tool, generation, lease?.token ?? null);
    write?.then(
      (record) => this.#apply(record),
      (error: unknown) => this.#failed(null, error),
    );
  }

  /** An isolation made here (`isolate()`): the fleet's, at once or at reconnection. */
  #isolated(tool: string, event: BreakerEmitted): void {
    if (event.type !== 'isolated' || event.remote === true || this.#stopped) return;
    this.#leases.delete(tool);
    this.#outbox.unwatch(tool);
    if (this.#status !== 'connected') return void this.#unpublished.add(tool);
    this.#isolations.isolate(tool);
  }

  /** Resets the fleet's record of `tool` (`registry.reset(tool)`); nothing while degraded. */
  reset(tool: string): void {
    this.#isolations.forget(tool);
    this.#leases.delete(tool);
    this.#unpublished.delete(tool);
    if (this.#status !== 'connected' || this.#stopped) return;
    this.#session.reset(tool).then(
      (record) => this.#apply(record),
      (error: unknown) => this.#failed(null, error),
    );
  }

  #halfOpened(tool: string): void {
    const breaker = this.#target.breaker(tool, false);
    if (breaker === undefined || this.#stopped || !isClaiming(breaker)) return;
    claimLease(this.#leaseLink, tool, breaker);
  }

  async #report(tool: string, batch: OutcomeBatch): Promise<void> {
    const breaker = this.#target.breaker(tool, false);
    if (breaker === undefined || this.#status !== 'connected') return;
    const { failureThreshold, minBackoffMs } = breaker.config;
    const window = fleetWindowRule(breaker.config);
    try {
      const record = await this.#session.report(tool, batch, {
        failureThreshold,
        backoffMs: minBackoffMs,
        window,
      });
      this.#apply(record);
    } catch (error) {
      this.#failed(null, error);
    }
  }

  /** Sends a record to its tool's breaker as the chart event it stands for (the chart's guards decide). */
  #apply(record: FleetRecord): void {
    if (this.#stopped) return;
    const { tool } = record;
    const at = this.#target.now();
    if (record.state === 'closed') {
      const breaker = this.#target.breaker(tool, false);
      this.#follow(tool, record, breaker);
      // A dormant breaker is closed with nothing the fleet could change.
      if (breaker === undefined || breaker.dormant || record.generation === 0) return;
      return this.#send(breaker, recordEvent(record, at));
    }
    this.#outbox.unwatch(tool);
    let breaker: Breaker | undefined;
    try {
      breaker = this.#target.breaker(tool, true);
    } catch (error) {
      return this.#target.warn(`tripstate: the fleet share holds a tool this registry refuses`, error);
    }
    if (breaker === undefined) return;
    const lease = this.#leases.get(tool);
    if (lease !== undefined && lease.generation !== record.generation) this.#leases.delete(tool);
    this.#send(breaker, recordEvent(record, at));
  }

  /** Follows the tool's outcomes while the fleet counts its failures (consecutive, or in its window). */
  #follow(tool: string, record: FleetRecord, breaker: Breaker | undefined): void {
    const rule = breaker === undefined ? null : fleetWindowRule(breaker.config);
    if (record.failures > 0) this.#outbox.watch(tool);
    else if (record.windowFailures + record.windowSlow > 0) {
      this.#outbox.watch(tool, rule === null ? FLEET_COUNT_HORIZON_MS : rule.bucketMs * rule.buckets);
    } else this.#outbox.unwatch(tool);
  }

  #send(breaker: Breaker, event: FleetEvent): void {
    if (breaker.stopped || this.#stopped) return;
    breaker.flush();
    breaker.actor.send(event);
  }

  /** Stops following the breakers and ends the session. */
  stop(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#stopped = true;
    this.#resolveReady();
    this.#outbox.stop();
    this.#isolations.forget();
    for (const off of this.#offs) off();
    return this.#session.end().catch(() => undefined);
  }
}
