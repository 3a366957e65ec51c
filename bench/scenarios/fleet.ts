/**
 * Scenario 12: the fleet share. (a) A closed successful call with a Redis share against the same
 * registry without one (the share must add nothing to that path). (b) 8 processes calling one
 * shared tool: calls per second with the share against a gobreaker-v2-style lock per call
 * through the same Redis, and Redis commands per 1,000 calls (INFO commandstats). (c) How fast
 * an opening and a closing reach all 8 processes (bench/fleet/propagation.ts).
 */
import { spawn } from 'node:child_process';
import { createClient } from 'redis';
import type { BenchConfig } from '../config.js';
import { createRegistry } from '../../src/index.js';
import { redisShare } from '../../src/redis/index.js';
import { formatNs, type ScenarioResult } from '../report.js';
import { interleavedMedianNs } from '../stats.js';
import { succeed } from '../workload.js';
import { REDIS_SERVER, startRedis, type RedisServer } from '../../test/fleet/redis-server.js';
import { existsSync } from 'node:fs';
import { propagation } from '../fleet/propagation.js';
import { fileURLToPath } from 'node:url';

const PROCESSES = 8;
const worker = fileURLToPath(new URL('../fleet/worker.ts', import.meta.url));

async function commandCount(url: string): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  const info = await client.info('commandstats');
  await client.close();
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) {
    if (match[1] !== 'info') total += Number(match[2]);
  }
  return total;
}

/** Runs 8 worker processes of `mode` at once; their calls per second and Redis commands per 1,000 calls. */
async function fleetRun(
  mode: 'share' | 'lock',
  url: string,
  durationMs: number,
): Promise<{ callsPerSecond: number; commandsPer1000: number }> {
  const prefix = `bench-${mode}-${Date.now()}:`;
  const children = Array.from({ length: PROCESSES }, () =>
    spawn(process.execPath, ['--import', 'tsx', worker, mode, url, prefix, String(durationMs), '4'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const outputs = children.map((child) => {
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (text += chunk));
    return {
      ready: () => text.includes('ready\n'),
      done: new Promise<number>((resolve, reject) => {
        child.once('exit', () => {
          const last = text.trim().split('\n').at(-1) ?? '';
          try {
            resolve((JSON.parse(last) as { calls: number }).calls);
          } catch {
            reject(new Error(`fleet bench worker (${mode}) ended without a count: ${text}`));
          }
        });
      }),
    };
  });
  const deadline = Date.now() + 60_000;
  while (!outputs.every((o) => o.ready())) {
    if (Date.now() > deadline) throw new Error('fleet bench workers did not start within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const before = await commandCount(url);
  for (const child of children) child.stdin.write('go\n');
  const calls = (await Promise.all(outputs.map((o) => o.done))).reduce((a, b) => a + b, 0);
  const commands = (await commandCount(url)) - before;
  return {
    callsPerSecond: calls / (durationMs / 1_000),
    commandsPer1000: (commands / Math.max(1, calls)) * 1_000,
  };
}

export async function fleetScenario(config: BenchConfig): Promise<ScenarioResult> {
  if (!existsSync(REDIS_SERVER)) {
    console.log(`\n11. Fleet share: skipped (${REDIS_SERVER} is missing)`);
    return { tables: [], targets: [] };
  }
  const redis: RedisServer = await startRedis();
  try {
    const plain = createRegistry();
    const control = createRegistry();
    const shared = createRegistry({ share: redisShare({ url: redis.url, keyPrefix: 'bench-closed:' }) });
    await shared.ready();
    const ns = await interleavedMedianNs(config, {
      without: () => plain.execute('tool', succeed),
      with: () => shared.execute('tool', succeed),
      control: () => control.execute('tool', succeed),
    });
    plain.stop();
    control.stop();
    shared.stop();
    await shared.flush();
    const durationMs = config.smoke ? 300 : 3_000;
    const share = await fleetRun('share', redis.url, durationMs);
    const lock = await fleetRun('lock', redis.url, durationMs);
    const spread = await propagation(redis.url, config.smoke ? 1 : 7);
    const worstOpening = Math.max(...spread.openings);
    const worstClosing = Math.max(...spread.closings);
    const difference = ns.with - ns.without;
    return {
      tables: [
        {
          title: '12. Fleet share (Redis 7 on 127.0.0.1)',
          header: ['variant', 'figure'],
          rows: [
            ['closed successful call, registry without share', formatNs(ns.without)],
            ['closed successful call, registry with redisShare', formatNs(ns.with)],
            ['closed successful call, a second registry without share (noise)', formatNs(ns.control)],
            [
              `${PROCESSES} processes × 4 callers, one shared tool, with share`,
              `${Math.round(share.callsPerSecond).toLocaleString('en-US')} calls/s`,
            ],
            [
              `${PROCESSES} processes × 4 callers, gobreaker-style lock per call`,
              `${Math.round(lock.callsPerSecond).toLocaleString('en-US')} calls/s`,
            ],
            ['Redis commands per 1,000 calls, with share', share.commandsPer1000.toFixed(1)],
            ['Redis commands per 1,000 calls, lock per call', lock.commandsPer1000.toFixed(1)],
            [
              `worker 0 opens: until all ${PROCESSES} had opened (each outage)`,
              spread.openings.map((ms) => `${ms}`).join(' / ') + ' ms',
            ],
            [
              `the probe succeeds: until all ${PROCESSES} had closed (each outage)`,
              spread.closings.map((ms) => `${ms}`).join(' / ') + ' ms',
            ],
          ],
          notes: [
            `closed call: median of ${config.rounds} interleaved rounds each; ${durationMs} ms per fleet run`,
            'lock per call: GET the JSON record, SET lock NX PX 5000 (retried after 1–5 ms), call, SET record, compare-and-DEL the lock',
            'propagation: the provider fails for worker 0 only, so the other 7 open only on its record; times are Date.now() in each process',
          ],
        },
      ],
      targets: [
        {
          goal: '12: closed call with share within 15 ns of without',
          measured: `${formatNs(difference)} (${formatNs(ns.with)} vs ${formatNs(ns.without)}; two registries without share differ by ${formatNs(Math.abs(ns.control - ns.without))})`,
          met: difference <= 15,
        },
        {
          goal: `12: an opening reaches all ${PROCESSES} processes within 100 ms (worst outage)`,
          measured: `${worstOpening} ms`,
          met: worstOpening <= 100,
        },
        {
          goal: `12: a closing reaches all ${PROCESSES} processes within 100 ms (worst outage)`,
          measured: `${worstClosing} ms`,
          met: worstClosing <= 100,
        },
      ],
    };
  } finally {
    await redis.stop();
  }
}
