/**
 * A private Prometheus server for tests (Debian's `prometheus` package): 127.0.0.1, a free
 * port, a temporary data folder, scraping one target every 250 ms; `stop()` kills it and removes
 * the folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, until } from '../servers.js';

export { until };

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

export interface PrometheusServer {
  readonly url: string;
  /** The value of an instant query's first result, or undefined when it has none. */
  query(promql: string): Promise<number | undefined>;
  /** The status of an instant query (`success`, or `error` with Prometheus's message). */
  check(promql: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts Prometheus scraping `target` (`host:port`, path /metrics). */
export async function startPrometheus(target: string): Promise<PrometheusServer> {
  const folder = mkdtempSync(join(tmpdir(), 'tripstate-prometheus-'));
  const config = join(folder, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 250ms',
      '  scrape_timeout: 200ms',
      'scrape_configs:',
      '  - job_name: tripstate',
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(folder, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await until(
      async () => (await fetch(`${url}/-/ready`)).ok,
      20_000,
      () => `Prometheus not ready: ${log}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    stop,
    async check(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { status: string; error?: string };
      return body.error === undefined ? body.status : `${body.status}: ${body.error}`;
    },
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { data?: { result?: { value: [number, string] }[] } };
      const value = body.data?.result?.[0]?.value[1];
      return value === undefined ? undefined : Number(value);
    },
  };
}

/** `promtool check metrics` on an exposition: its exit status and what it printed. */
export function promtoolCheck(exposition: string): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
