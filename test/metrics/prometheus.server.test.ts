/**
 * Against a real Prometheus server: it scrapes a registry's metrics through an outage and its
 * query API sees the circuit open, then closed; `promtool check metrics` accepts the exposition.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Registry as PromRegistry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/index.js';
import { registerPrometheusMetrics } from '../../src/metrics/prometheus.js';
import { promtoolCheck, startPrometheus, until, type PrometheusServer } from './prometheus-server.js';

describe('a real Prometheus server', () => {
  const register = new PromRegistry();
  const registry = createRegistry({
    defaults: { failureThreshold: 2, minBackoffMs: 300, maxBackoffMs: 300 },
  });
  registerPrometheusMetrics(registry, { register, durations: true });
  let http: Server | undefined;
  let prometheus: PrometheusServer | undefined;

  beforeAll(async () => {
    http = createServer((_request, response) => {
      register.metrics().then(
        (text) => response.writeHead(200, { 'content-type': register.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as { port: number };
    prometheus = await startPrometheus(`127.0.0.1:${port}`);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
    registry.stop();
  });

  it('shows the tool open during the outage and closed after the probe succeeds', async () => {
    const server = prometheus as PrometheusServer;
    const state = (s: string) => `tripstate_circuit_state{tool="web_search",state="${s}"}`;
    registry.tryAcquire('web_search')?.success();
    await until(
      async () => (await server.query(state('closed'))) === 1,
      20_000,
      () => 'never scraped closed',
    );
    for (let i = 0; i < 2; i++) registry.tryAcquire('web_search')?.failure('service_unavailable');
    expect(registry.state('web_search')).toBe('open');
    await until(
      async () => (await server.query(state('open'))) === 1,
      20_000,
      () => 'never saw it open',
    );
    // Once the 300 ms backoff has passed, a probe is admitted and succeeds.
    await until(
      async () => {
        const permit = registry.tryAcquire('web_search');
        permit?.success();
        return registry.state('web_search') === 'closed';
      },
      5_000,
      () => `state ${registry.state('web_search')}`,
    );
    await until(
      async () => (await server.query(state('closed'))) === 1,
      20_000,
      () => 'never saw it closed',
    );
    expect(await server.query(`tripstate_state_transitions_total{tool="web_search",to="open"}`)).toBe(1);
  });

  it("runs every query of docs/grafana's dashboard, on metric names the exporter emits", async () => {
    const dashboard = JSON.parse(readFileSync('docs/grafana/tripstate-dashboard.json', 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((panel) =>
      panel.targets.map((t) => t.expr.replaceAll('$tool', '.*')),
    );
    expect(exprs.length).toBeGreaterThan(5);
    const emitted = new Set((await register.getMetricsAsJSON()).map((m) => m.name));
    for (const expr of exprs) {
      expect(await (prometheus as PrometheusServer).check(expr), expr).toBe('success');
      for (const name of expr.match(/tripstate_[a-z_]+/g) ?? []) expect(emitted, expr).toContain(name);
    }
  });

  it('passes promtool check metrics', async () => {
    const { status, output } = promtoolCheck(await register.metrics());
    expect(output).toBe('');
    expect(status).toBe(0);
  });
});
