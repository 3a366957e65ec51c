/**
 * An in-memory fleet share: one `MemoryShareHub` plays the shared server for every registry
 * or breaker of a test (one process simulating a fleet). Time is the hub's `now` (`Date.now`
 * by default, so fake timers drive it); messages and answers arrive asynchronously, as from a
 * server. `hub.reachable = false` makes every session degraded until it is set back.
 */
import { FleetLedger } from './ledger.js';
import type { FleetRecord, FleetShare, ShareHandlers, ShareSession } from './types.js';

/** Options of `createMemoryShareHub`. */
export interface MemoryShareHubOptions {
  /** The server's clock, epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** A shared server in memory, and the shares that reach it. */
export interface MemoryShareHub {
  /** A share of this hub, for one registry or breaker (one "process"). */
  share(options?: { readonly flushIntervalMs?: number }): FleetShare;
  /** Whether sessions can reach the hub. Setting it tells every session (`degraded`, then `connected`). */
  reachable: boolean;
  /** Writes that reached the hub (scripts run, loads included): the share's cost in commands. */
  readonly commands: number;
  /** The record of `tool`, as the server holds it now. */
  read(tool: string): FleetRecord;
}

class Hub implements MemoryShareHub {
  readonly #ledger: FleetLedger;
  readonly #sessions = new Set<ShareHandlers>();
  #reachable = true;
  commands = 0;

  constructor(options: MemoryShareHubOptions) {
    this.#ledger = new FleetLedger(options.now ?? Date.now);
  }

  get reachable(): boolean {
    return this.#reachable;
  }

  set reachable(value: boolean) {
    if (value === this.#reachable) return;
    this.#reachable = value;
    const error = value ? undefined : new Error('tripstate: memory share unreachable');
    for (const handlers of this.#sessions) {
      queueMicrotask(() => handlers.status(value ? 'connected' : 'degraded', error));
    }
  }

  read(tool: string): FleetRecord {
    return this.#ledger.read(tool);
  }

  /** Runs one script on the server, asynchronously; publishes its record when it says so. */
  #run<T extends object>(write: (ledger: FleetLedger) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queueMicrotask(() => {
        if (!this.#reachable) return reject(new Error('tripstate: memory share unreachable'));
        this.commands++;
        const result = write(this.#ledger);
        const written = result as { record?: FleetRecord; publish?: boolean };
        if (written.publish === true && written.record !== undefined) this.#publish(written.record);
        resolve(result);
      });
    });
  }

  #publish(record: FleetRecord): void {
    for (const handlers of this.#sessions) queueMicrotask(() => handlers.record(record));
  }

  share(options: { readonly flushIntervalMs?: number } = {}): FleetShare {
    return {
      ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
      open: (handlers) => this.#session(handlers),
    };
  }

  #session(handlers: ShareHandlers): ShareSession {
    this.#sessions.add(handlers);
    const initial = this.#reachable;
    queueMicrotask(() => handlers.status(initial ? 'connected' : 'degraded'));
    return {
      load: () => this.#run((ledger) => ({ records: ledger.load() })).then((r) => r.records),
      report: (tool, batch, rule) => this.#run((l) => l.report(tool, batch, rule)).then((r) => r.record),
      open: (tool, expected, opening) =>
        this.#run((l) => l.open(tool, expected, opening)).then((r) => r.record),
      claimProbe: (tool, generation, token, leaseMs) =>
        this.#run((l) => l.claimProbe(tool, generation, token, leaseMs)),
      close: (tool, generation, token) =>
        this.#run((l) => l.close(tool, generation, token)).then((r) => r.record),
      reset: (tool) => this.#run((l) => l.reset(tool)).then((r) => r.record),
      isolate: (tool) => this.#run((l) => l.isolate(tool)).then((r) => r.record),
      release: (tool, generation) => this.#run((l) => l.release(tool, generation)).then((r) => r.record),
      end: () => {
        this.#sessions.delete(handlers);
        return Promise.resolve();
      },
    };
  }
}

/** Creates an in-memory shared server for tests (see `MemoryShareHub`). */
export function createMemoryShareHub(options: MemoryShareHubOptions = {}): MemoryShareHub {
  return new Hub(options);
}
