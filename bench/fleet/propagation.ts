/**
 * Scenario 12's propagation figures: 8 worker processes (the fleet tests' workers) share one
 * provider through Redis; the provider fails for worker 0 only, so the other seven can only
 * open because they heard worker 0's record. Each outage measures the time from worker 0's
 * opening until the last of the seven had opened (and from then rejects), and, once the
 * provider answers again, from the first closing until all 8 had closed.
 */
import {
  everyFirst,
  firstAfter,
  sleep,
  startProvider,
  startWorker,
  until,
} from '../../test/fleet/harness.js';
import { removeCompiledFleet } from '../../test/fleet/fixtures/compile.js';

const WORKERS = 8;
const BACKOFF_MS = 600;

/** The spread of each outage: openings and closings across the 8 processes, in milliseconds. */
export interface Propagation {
  readonly openings: readonly number[];
  readonly closings: readonly number[];
}

/** Runs `outages` outages through one fleet of 8 processes sharing `url`'s Redis. */
export async function propagation(url: string, outages: number): Promise<Propagation> {
  const provider = await startProvider();
  const keyPrefix = `bench-propagation-${Date.now()}:`;
  const options = {
    provider: provider.url,
    url,
    keyPrefix,
    failureThreshold: 3,
    backoffMs: BACKOFF_MS,
    probeTimeoutMs: 400,
    intervalMs: 50,
  };
  const workers = Array.from({ length: WORKERS }, (_, id) => startWorker(id, options));
  const openings: number[] = [];
  const closings: number[] = [];
  try {
    await until(() => workers.every((w) => firstAfter(w, 'ready', 0)), 60_000, 'fleet bench workers ready');
    // A fleet that has been working a while: the processes' first second (loading, compiling)
    // is not what an outage meets in production (it is measured apart in docs/performance.md).
    await sleep(1_000);
    provider.failingWorkers = new Set([0]);
    for (let i = 0; i < outages; i++) {
      const failingSince = Date.now();
      provider.failing = true;
      const opened = (await everyFirst(workers, 'opened', failingSince, 10_000)).map((l) => l.t);
      openings.push(Math.max(...opened) - (opened[0] as number));
      const recoveredSince = Date.now();
      provider.failing = false;
      const closed = (await everyFirst(workers, 'closed', recoveredSince, 5 * BACKOFF_MS)).map((l) => l.t);
      closings.push(Math.max(...closed) - Math.min(...closed));
      await sleep(200);
    }
    return { openings, closings };
  } finally {
    for (const w of workers) w.stop();
    await provider.close();
    removeCompiledFleet();
  }
}
