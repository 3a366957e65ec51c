import { afterEach, describe, expect, it } from 'vitest';
import { serveDashboard } from '../../src/dashboard/index.js';
import { createRegistry } from '../../src/index.js';
import { fail, HOSTILE_NAMES, serve, type Served } from './fixtures.js';
import { SseClient, type SseEvent } from './sse.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function started(options: Parameters<typeof serve>[0] = {}): Promise<Served> {
  const served = await serve(options);
  cleanup.push(() => served.stop());
  return served;
}

function stream(url: string): SseClient {
  const client = new SseClient(url);
  cleanup.push(() => client.close());
  return client;
}

function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const updateWith =
  (tool: string, state: string) =>
  (e: SseEvent): boolean =>
    e.event === 'update' && e.data.rows.some((r) => r.tool === tool && r.state === state);

describe('serveDashboard over HTTP', () => {
  it('binds 127.0.0.1 on an ephemeral port by default', async () => {
    const { dashboard } = await started();
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(new URL(dashboard.url).port).not.toBe('0');
  });

  it('serves a self-contained page: inline script and style under a nonce, nothing external', async () => {
    const { dashboard } = await started();
    const res = await fetch(dashboard.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('new EventSource');
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//);
    expect(html).not.toContain('<link');
  });

  it('refuses a request whose Host is not loopback (DNS rebinding)', async () => {
    const { dashboard } = await started();
    const { port } = new URL(dashboard.url);
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/', headers: { host: `attacker.example:${port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(status).toBe(403);
  });

  it('streams a snapshot, then the update of a tool that opens, with its log line', async () => {
    const { dashboard, registry } = await started();
    registry.breaker('web.search');
    const client = stream(dashboard.url);
    const first = await client.next(() => true);
    expect(first.event).toBe('snapshot');
    expect(first.data.rows).toEqual([expect.objectContaining({ tool: 'web.search', state: 'closed' })]);

    fail(registry, 'web.search');
    const update = await client.next(updateWith('web.search', 'open'));
    expect(update.data.rows[0]).toMatchObject({
      leaf: 'open.cooling',
      failureCount: 3,
      openCount: 1,
      lastErrorCategory: 'network',
      remainingBackoffMs: 5_000,
    });
    expect(update.data.log).toContainEqual(expect.objectContaining({ type: 'opened', tool: 'web.search' }));
  });

  it('follows the tool through half-open back to closed as the simulated clock moves', async () => {
    const { dashboard, registry, clock } = await started();
    const client = stream(dashboard.url);
    await client.next((e) => e.event === 'snapshot');
    fail(registry, 'web.search');
    await client.next(updateWith('web.search', 'open'));
    clock.increment(5_000);
    await client.next(updateWith('web.search', 'halfOpen'));
    registry.tryAcquire('web.search')?.success();
    const closed = await client.next(updateWith('web.search', 'closed'));
    expect(closed.data.log).toContainEqual(
      expect.objectContaining({ type: 'closed', tool: 'web.search', detail: 'probeSucceeded' }),
    );
    // The tool just came back from an outage: its last error and the time of it stay shown.
    expect(closed.data.rows[0]).toMatchObject({
      lastErrorCategory: 'network',
      lastErrorAt: clock.now() - 5_000,
    });
  });

  it("carries the registry's clock at least once a second, so a countdown follows a simulated clock", async () => {
    const { dashboard, registry, clock } = await started();
    const client = stream(dashboard.url);
    await client.next((e) => e.event === 'snapshot');
    fail(registry, 'web.search');
    const opened = await client.next(updateWith('web.search', 'open'));
    expect(opened.data).toMatchObject({ now: 0, rows: [{ remainingBackoffMs: 5_000 }] });
    clock.increment(2_000);
    const moved = await client.next((e) => e.event === 'update' && e.data.now === 2_000, 2_500);
    // The page counts down from the deadline it was sent (0 + 5,000) on the clock it is sent.
    expect(5_000 - moved.data.now).toBe(registry.diagnostics('web.search').remainingBackoffMs);
    // A page that connects now gets the row counted down on the registry's clock.
    const late = stream(dashboard.url);
    const snapshot = await late.next((e) => e.event === 'snapshot');
    expect(snapshot.data).toMatchObject({
      now: 2_000,
      rows: [{ tool: 'web.search', remainingBackoffMs: 3_000 }],
    });
  });

  it('does not resend an open row while a simulated clock stands still (the countdown never jumps back)', async () => {
    const { dashboard, registry } = await started();
    const client = stream(dashboard.url);
    await client.next((e) => e.event === 'snapshot');
    fail(registry, 'web.search');
    await client.next(updateWith('web.search', 'open'));
    const before = client.events.length;
    // Two polls of every tool, a second apart, with the clock at 0 all along.
    await client.next((e) => client.events.indexOf(e) >= before + 1, 2_500);
    await client.next((e) => client.events.indexOf(e) >= before + 2, 2_500);
    const later = client.events.slice(before);
    expect(later.every((e) => e.event === 'update' && e.data.now === 0)).toBe(true);
    expect(later.flatMap((e) => e.data.rows)).toEqual([]);
  });

  it("stamps the event log with the registry's clock, not wall time", async () => {
    const { dashboard, registry, clock } = await started();
    const client = stream(dashboard.url);
    await client.next((e) => e.event === 'snapshot');
    clock.increment(42_000);
    fail(registry, 'web.search');
    const opened = await client.next(updateWith('web.search', 'open'));
    expect(opened.data.log).toEqual([
      expect.objectContaining({ at: 42_000, type: 'opened', tool: 'web.search' }),
    ]);
    const late = stream(dashboard.url);
    const snapshot = await late.next((e) => e.event === 'snapshot');
    expect(snapshot.data.log).toEqual([expect.objectContaining({ at: 42_000, type: 'opened' })]);
  });

  it('coalesces 1,000 openings into a few updates', async () => {
    const { dashboard, registry } = await started();
    const client = stream(dashboard.url);
    await client.next((e) => e.event === 'snapshot');
    for (let i = 0; i < 1_000; i++) fail(registry, `tool-${i}`);
    const open = new Set<string>();
    await client.next((e) => {
      if (e.event === 'update') for (const r of e.data.rows) if (r.state === 'open') open.add(r.tool);
      return open.size === 1_000;
    });
    // Updates that carry changes (the once-a-second clock updates aside).
    const carrying = client.events.filter((e) => e.event === 'update' && e.data.rows.length > 0);
    expect(carrying.length).toBeLessThanOrEqual(3);
  });

  it('refuses controls with 403 when they are off, and changes nothing', async () => {
    const { dashboard, registry } = await started();
    fail(registry, 'web.search');
    for (const action of ['reset', 'isolate', 'release']) {
      const res = await post(dashboard.url, `api/${action}`, { tool: 'web.search' });
      expect(res.status).toBe(403);
    }
    expect(registry.state('web.search')).toBe('open');
  });

  it('isolates, releases and resets a tool when controls are on', async () => {
    const { dashboard, registry } = await started({ controls: true });
    fail(registry, 'web.search');
    const isolate = await post(dashboard.url, 'api/isolate', { tool: 'web.search' });
    expect(await isolate.json()).toEqual({ tool: 'web.search', action: 'isolate', state: 'isolated' });
    expect(registry.state('web.search')).toBe('isolated');
    await post(dashboard.url, 'api/release', { tool: 'web.search' });
    expect(registry.state('web.search')).toBe('closed');
    fail(registry, 'web.search');
    const reset = await post(dashboard.url, 'api/reset', { tool: 'web.search' });
    expect(reset.status).toBe(200);
    expect(registry.diagnostics('web.search')).toMatchObject({ state: 'closed', openCount: 0 });
  });

  it('answers bad control requests with 4xx and keeps the registry working', async () => {
    const { dashboard, registry } = await started({ controls: true });
    fail(registry, 'web.search');
    const url = dashboard.url;
    expect((await post(url, 'api/isolate', '{not json')).status).toBe(400);
    expect((await post(url, 'api/isolate', { tool: 42 })).status).toBe(400);
    expect((await post(url, 'api/isolate', { tool: '' })).status).toBe(400);
    expect((await post(url, 'api/isolate', null)).status).toBe(400);
    expect((await post(url, 'api/isolate', { tool: 'never.seen' })).status).toBe(404);
    expect(
      (await post(url, 'api/isolate', { tool: 'web.search' }, { 'content-type': 'text/plain' })).status,
    ).toBe(415);
    expect(
      (await post(url, 'api/isolate', { tool: 'web.search' }, { origin: 'http://evil.example' })).status,
    ).toBe(403);
    expect((await post(url, 'api/isolate', { tool: 'x'.repeat(600_000) })).status).toBe(413);
    expect((await fetch(new URL('api/isolate', url))).status).toBe(405);
    expect((await fetch(new URL('nowhere', url))).status).toBe(404);
    expect(registry.size).toBe(1);
    expect(registry.state('web.search')).toBe('open');
    expect((await fetch(url)).status).toBe(200);
  });

  it('never puts tool names in the HTML, and streams hostile names back exactly', async () => {
    const { dashboard, registry } = await started({ controls: true });
    for (const name of HOSTILE_NAMES) fail(registry, name);
    const html = await (await fetch(dashboard.url)).text();
    for (const name of HOSTILE_NAMES) expect(html).not.toContain(name);
    expect(html).not.toContain('__pwned');
    const client = stream(dashboard.url);
    const snapshot = await client.next((e) => e.event === 'snapshot');
    expect(snapshot.data.rows.map((r) => r.tool).sort()).toEqual([...HOSTILE_NAMES].sort());
    const res = await post(dashboard.url, 'api/isolate', { tool: HOSTILE_NAMES[0] });
    expect(res.status).toBe(200);
    expect(registry.state(HOSTILE_NAMES[0])).toBe('isolated');
  });

  it('close() ends the event streams and stops the server', async () => {
    const registry = createRegistry();
    cleanup.push(() => registry.stop());
    const dashboard = await serveDashboard(registry);
    const client = new SseClient(dashboard.url);
    await client.next((e) => e.event === 'snapshot');
    await dashboard.close();
    await client.ended;
    await expect(fetch(dashboard.url)).rejects.toThrow();
  });

  it('rejects invalid options with a RangeError naming the option', async () => {
    const registry = createRegistry();
    cleanup.push(() => registry.stop());
    await expect(serveDashboard(registry, { port: -1 })).rejects.toThrow(/option port/);
    await expect(serveDashboard(registry, { port: 1.5 })).rejects.toThrow(RangeError);
    await expect(serveDashboard(registry, { host: '' })).rejects.toThrow(/option host/);
    await expect(serveDashboard(registry, { controls: 'yes' as never })).rejects.toThrow(/option controls/);
  });
});
