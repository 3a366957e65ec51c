/**
 * The probe lease: at backoff end a breaker of the fleet waits in `halfOpen.claiming` while its
 * link asks the share for the lease of its fleet generation. Granted: it probes; taken by
 * another process: it waits the lease out in open; no answer: it decides alone.
 */
import type { FleetEvent } from '../../machines/breaker.fleet.types.js';
import type { Breaker } from '../breaker.js';
import type { FleetRecord, ShareSession } from './types.js';

/** What a claim needs of its share link. @internal */
export interface LeaseLink {
  readonly session: ShareSession;
  connected(): boolean;
  now(): number;
  send(breaker: Breaker, event: FleetEvent): void;
  apply(record: FleetRecord): void;
  failed(error: unknown): void;
  /** This process holds the lease of `generation` under `token`. */
  granted(tool: string, generation: number, token: string): void;
}

/** True when the breaker waits in `halfOpen.claiming` for the fleet's answer about the probe lease. @internal */
export const isClaiming = (breaker: Breaker): boolean => {
  const value = breaker.getSnapshot().value as unknown;
  return (
    typeof value === 'object' && value !== null && (value as { halfOpen?: string }).halfOpen === 'claiming'
  );
};

let tokenCounter = 0;
/** A probe lease token unique to this process's claim. @internal */
export const newToken = (): string =>
  `${Date.now().toString(36)}-${(++tokenCounter).toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** Asks the share for `tool`'s probe lease and tells the breaker the answer as a chart event. @internal */
export function claimLease(link: LeaseLink, tool: string, breaker: Breaker): void {
  const generation = breaker.getSnapshot().context.fleetGeneration as number;
  const alone = (): void =>
    link.send(breaker, { type: 'fleet.probeGranted', fleetGeneration: generation, at: link.now() });
  if (!link.connected()) return alone();
  const token = newToken();
  link.session.claimProbe(tool, generation, token, breaker.config.probeTimeoutMs).then(
    ({ granted, record }) => {
      const at = link.now();
      if (granted) {
        link.granted(tool, generation, token);
        link.send(breaker, { type: 'fleet.probeGranted', fleetGeneration: generation, at });
      } else if (record.state === 'open' && record.generation === generation) {
        link.send(breaker, {
          type: 'fleet.probeTaken',
          fleetGeneration: generation,
          leaseMs: record.leaseMs,
          at,
        });
      } else link.apply(record);
    },
    (error: unknown) => {
      link.failed(error);
      alone(); // Decide alone: the probe goes from here.
    },
  );
}
