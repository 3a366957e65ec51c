/**
 * Isolations for the fleet: a local `isolate()` runs the `ISOLATE` script (every process then
 * rejects the tool), a local `release()` the `RELEASE` script of that isolation's generation.
 * The release waits for the isolation's own write, so an isolation released at once is
 * released for the fleet too.
 */
import type { Breaker } from '../breaker.js';
import type { FleetRecord, ShareSession } from './types.js';

/** What the isolations need of their share link. @internal */
export interface IsolationLink {
  readonly session: ShareSession;
  connected(): boolean;
  apply(record: FleetRecord): void;
  /** A write failed; with a tool, its local state is published again at reconnection. */
  failed(tool: string | null, error: unknown): void;
}

/** The isolation writes of one link, by tool. @internal */
export class FleetIsolations {
  readonly #link: IsolationLink;
  /** Isolation writes not answered yet (or their record), by tool. */
  readonly #pending = new Map<string, Promise<FleetRecord | null>>();

  constructor(link: IsolationLink) {
    this.#link = link;
  }

  /** This process isolated `tool`: the fleet isolates it. */
  isolate(tool: string): void {
    const link = this.#link;
    const write = link.session.isolate(tool).then(
      (record) => {
        link.apply(record);
        return record;
      },
      (error: unknown) => {
        link.failed(tool, error);
        return null;
      },
    );
    this.#pending.set(tool, write);
  }

  /** This process released `tool`'s isolation: the fleet releases it, if it is still the one seen. */
  release(tool: string, breaker: Breaker | undefined): void {
    const link = this.#link;
    const pending = this.#pending.get(tool);
    this.#pending.delete(tool);
    const seen = breaker?.getSnapshot().context.fleetGeneration ?? null;
    void (pending ?? Promise.resolve(null)).then((isolation) => {
      const generation = isolation?.state === 'isolated' ? isolation.generation : seen;
      if (generation === null || !link.connected()) return;
      return link.session.release(tool, generation).then(
        (record) => link.apply(record),
        (error: unknown) => link.failed(null, error),
      );
    });
  }

  /** Forgets `tool` (reset, or the link stopped). */
  forget(tool?: string): void {
    if (tool === undefined) this.#pending.clear();
    else this.#pending.delete(tool);
  }
}
