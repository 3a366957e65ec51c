import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createRegistry, type Registry } from '../../src/index.js';
import { fail } from './fixtures.js';
import { SseClient } from './sse.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function registry(): Registry {
  const created = createRegistry({
    defaults: { clock: new SimulatedClock(), failureThreshold: 3, minBackoffMs: 5_000 },
  });
  cleanup.push(() => created.stop());
  return created;
}

describe('registry.serveDashboard', () => {
  it('loads the dashboard and serves the page, the JSON snapshot and the event stream', async () => {
    const tools = registry();
    fail(tools, 'mcp:files');
    tools.tryAcquire('search')?.success();
    const dashboard = await tools.serveDashboard({ port: 0 });
    cleanup.push(() => dashboard.close());
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const page = await fetch(dashboard.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('new EventSource');

    const snapshot = (await (await fetch(new URL('api/snapshot', dashboard.url))).json()) as {
      rows: { tool: string; state: string }[];
    };
    expect(snapshot.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tool: 'mcp:files', state: 'open' }),
        expect.objectContaining({ tool: 'search', state: 'closed' }),
      ]),
    );

    const events = new SseClient(dashboard.url);
    cleanup.push(() => events.close());
    const first = await events.next((e) => e.event === 'snapshot');
    expect(first.data.rows.map((r) => r.tool)).toContain('mcp:files');
  });

  it('closes: the page is gone and the registry keeps running', async () => {
    const tools = registry();
    const dashboard = await tools.serveDashboard();
    await dashboard.close();
    await expect(fetch(dashboard.url)).rejects.toThrow();
    fail(tools, 'shell');
    expect(tools.openCircuits()).toEqual(['shell']);
  });

  it.each([
    [{ port: 70_000 }, /option port must be an integer in 0\.\.65535, got 70000/],
    [{ port: -1 }, /option port/],
    [{ host: '' }, /option host/],
    [{ controls: 'yes' as never }, /option controls/],
  ])('rejects %j with a RangeError naming the option', async (options, message) => {
    const served = registry().serveDashboard(options);
    await expect(served).rejects.toThrow(RangeError);
    await expect(served).rejects.toThrow(message);
  });
});
