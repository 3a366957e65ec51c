import { copyFileSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chartOf } from '../../src/dashboard/chart.js';
import { ARTIFACTS, browserTestsRun, launchChromium } from './browser.js';
import { fail, HOSTILE_NAMES, serve, type Served } from './fixtures.js';

/** Outside CI without Chromium the tests skip, with one line saying how to enable them. */
const runs = browserTestsRun();
let browser: Browser;
let served: Served | undefined;
let page: Page | undefined;

beforeAll(async () => {
  if (runs) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await page?.close();
  await served?.stop();
  page = served = undefined;
});

async function open(options: Parameters<typeof serve>[0] = {}): Promise<{ served: Served; page: Page }> {
  served = await serve(options);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(served.dashboard.url);
  await page.waitForSelector('#status.live');
  return { served, page };
}

/** The CSS selector of a tool's row in a given state (the name is matched as an attribute value). */
const row = (tool: string, state: string): string =>
  `tr.tool[data-tool="${tool.replace(/["\\]/g, '\\$&')}"][data-state="${state}"]`;

describe.runIf(runs)('the dashboard in Chromium', () => {
  it('shows a failing tool opening, going half-open and closing', async () => {
    const { served, page } = await open();
    const { registry, clock } = served;
    registry.tryAcquire('fs.read')?.success();
    registry.tryAcquire('web.search')?.success();
    await page.waitForSelector(row('web.search', 'closed'));

    fail(registry, 'web.search');
    const opened = page.locator(row('web.search', 'open'));
    await opened.waitFor();
    await expect.poll(() => opened.locator('.countdown').textContent()).toMatch(/^\d\.\d s$/);
    expect(await page.locator('#rows tr.tool').first().getAttribute('data-tool')).toBe('web.search');
    expect(
      await page.locator('#chart g.node.active').evaluateAll((gs) => gs.map((g) => g.dataset.path)),
    ).toEqual(['open', 'open.cooling']);
    const chart = chartOf();
    expect(await page.locator('#chart g.node').evaluateAll((gs) => gs.map((g) => g.dataset.path))).toEqual(
      chart.states.map((s) => s.path),
    );
    expect(await page.locator('#chart path.edge').count()).toBe(chart.routes.length);
    await expect
      .poll(() => page.locator('#chart .any-state').textContent())
      .toContain('breaker.reset → closed');
    await page.screenshot({ path: `${ARTIFACTS}/1-open.png` });

    clock.increment(5_000);
    await page.waitForSelector(row('web.search', 'halfOpen'));
    await page.waitForSelector('#chart g.node.active[data-path="halfOpen.idle"]');
    await page.screenshot({ path: `${ARTIFACTS}/2-half-open.png` });

    registry.tryAcquire('web.search')?.success();
    await page.waitForSelector(row('web.search', 'closed'));
    await page.waitForSelector('#log li[data-type="closed"]');
    expect(await page.locator('#log li .what b').allTextContents()).toEqual(Array(3).fill('web.search'));
    expect(await page.locator('#log li .ev').allTextContents()).toEqual(['closed', 'halfOpened', 'opened']);
    await page.screenshot({ path: `${ARTIFACTS}/3-closed.png` });
  });

  it("shows times on the registry's clock: the event log, the last error and the header", async () => {
    const { served, page } = await open();
    served.clock.increment(42_000);
    fail(served.registry, 'web.search');
    await page.waitForSelector(row('web.search', 'open'));
    // A clock that started at 0 (a simulated session) reads as seconds, as the demo prints them.
    await expect.poll(() => page.locator('#log li time').allTextContents()).toEqual(['42.0s']);
    expect(
      await page
        .locator(`${row('web.search', 'open')} td`)
        .nth(7)
        .getAttribute('title'),
    ).toBe('latest failure: network at 42.0s');
    await expect.poll(() => page.locator('#clock').textContent()).toBe('42.0s');
  });

  it('holds a countdown while a simulated clock stands still, and never counts it back up', async () => {
    const { served, page } = await open();
    fail(served.registry, 'web.search');
    const countdown = page.locator(`${row('web.search', 'open')} .countdown`);
    await countdown.waitFor();
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      seen.push(Number.parseFloat((await countdown.textContent()) ?? 'NaN'));
      await page.waitForTimeout(250);
    }
    // Every value at most the one before it; and since the clock stays at 0, it stops well before "due".
    expect(seen.every((s, i) => i === 0 || s <= (seen[i - 1] ?? 0))).toBe(true);
    expect(seen.at(-1)).toBeGreaterThanOrEqual(2.5);
  });

  it('names its columns in words and shows backoffs in seconds', async () => {
    const { served, page } = await open({ controls: true });
    fail(served.registry, 'web.search');
    await page.waitForSelector(row('web.search', 'open'));
    expect(await page.locator('thead th').allTextContents()).toEqual([
      'tool',
      'state',
      'chart',
      'streak',
      'opens',
      'probes',
      'denied',
      'last error',
      'next probe',
      'controls',
    ]);
    const counter = (name: string) =>
      page.locator('#detail-counters div', { has: page.locator(`dt:text-is("${name}")`) }).locator('dd');
    expect(await counter('currentBackoffMs').textContent()).toBe('5.0 s');
    expect(await counter('remainingBackoffMs').textContent()).toMatch(/^\d\.\d s$/);
  });

  it('shows hostile tool names as text and never runs them', async () => {
    const { served, page } = await open({ controls: true });
    for (const name of HOSTILE_NAMES) fail(served.registry, name);
    await expect.poll(() => page.locator('#rows tr.tool').count()).toBe(HOSTILE_NAMES.length);
    const names = await page.locator('#rows td.name').allTextContents();
    expect(names.sort()).toEqual([...HOSTILE_NAMES].sort());
    expect(await page.locator('#rows img, #rows script, #rows b, #log img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();

    await page.locator(row(HOSTILE_NAMES[1], 'open')).getByRole('button', { name: 'isolate' }).click();
    await page.waitForSelector(row(HOSTILE_NAMES[1], 'isolated'));
    expect(served.registry.state(HOSTILE_NAMES[1])).toBe('isolated');
  });

  it('stays usable with 1,000 tools: open circuits first, a bounded table, a filter', async () => {
    const { served, page } = await open();
    for (let i = 0; i < 1_000; i++)
      served.registry.tryAcquire(`tool-${String(i).padStart(4, '0')}`)?.success();
    for (const tool of ['tool-0500', 'tool-0999']) fail(served.registry, tool);
    await page.waitForSelector('#shown:text("1000 of 1000 tools")');
    await page.waitForSelector(row('tool-0999', 'open'));
    expect(await page.locator('#rows tr.tool').count()).toBe(200);
    const first = await page
      .locator('#rows tr.tool')
      .evaluateAll((rows) => rows.slice(0, 3).map((r) => r.dataset.tool));
    expect(first).toEqual(['tool-0500', 'tool-0999', 'tool-0000']);

    await page.fill('#filter', 'tool-09');
    await expect.poll(() => page.locator('#rows tr.tool').count()).toBe(100);
    await page.selectOption('#state-filter', 'open');
    await expect.poll(() => page.locator('#rows tr.tool').count()).toBe(1);
  });

  it("charts the selected tool's calls, failures and rejections per second", async () => {
    const { served, page } = await open();
    const { registry, clock } = served;
    registry.tryAcquire('llm:openai/chat')?.success();
    await page.locator(row('llm:openai/chat', 'closed')).click();
    const now = (series: string) => page.locator(`#detail-history .spark[data-series="${series}"] .now`);
    await expect.poll(() => now('calls').textContent()).toBe('0/s');
    // Six simulated seconds: traffic that fails more and more, then the circuit opens and rejects.
    const plan = [
      [8, 0],
      [9, 1],
      [7, 2],
      [6, 2],
    ] as const;
    for (const [ok, failed] of plan) {
      for (let i = 0; i < ok; i++) registry.tryAcquire('llm:openai/chat')?.success();
      for (let i = 0; i < failed; i++) registry.tryAcquire('llm:openai/chat')?.failure('network');
      await expect.poll(() => now('calls').textContent()).toBe(`${ok + failed}/s`);
      clock.increment(1_000);
    }
    fail(registry, 'llm:openai/chat', 1); // the third failure in a row opens the circuit
    expect(registry.state('llm:openai/chat')).toBe('open');
    for (let i = 0; i < 12; i++) registry.tryAcquire('llm:openai/chat');
    await expect.poll(() => now('rejections').textContent()).toBe('12/s');
    expect(await now('failures').textContent()).toBe('1/s');
    const points = await page
      .locator('#detail-history .spark[data-series="calls"] polyline')
      .getAttribute('points');
    expect(points?.split(' ').length).toBe(300);
    await page.locator('section.detail').screenshot({ path: `${ARTIFACTS}/history.png` });
    if (process.env['TRIPSTATE_UPDATE_SCREENSHOT'] === '1') {
      mkdirSync('docs/images', { recursive: true });
      copyFileSync(`${ARTIFACTS}/history.png`, 'docs/images/dashboard-history.png');
    }
  });

  it.each([1400, 1280, 900])(
    'fits a %i px wide window with controls: no horizontal scrollbar',
    async (width) => {
      const { served, page } = await open({ controls: true });
      fail(served.registry, 'mcp:github/search_issues_and_pull_requests');
      served.registry.tryAcquire('web.search')?.success();
      await page.setViewportSize({ width, height: 900 });
      await page.waitForSelector(row('mcp:github/search_issues_and_pull_requests', 'open'));
      const layout = await page.evaluate(() => {
        const button = document.querySelector('td.ctl button');
        const probe = document.querySelector('td.probe');
        const right = (el: Element | null) => (el === null ? -1 : el.getBoundingClientRect().right);
        const tools = document.querySelector('section.tools');
        return {
          chart: document.querySelector('#chart svg')?.getBoundingClientRect().width ?? -1,
          tableOverflow: tools === null ? -1 : tools.scrollWidth - tools.clientWidth,
          page: document.documentElement.scrollWidth,
          window: window.innerWidth,
          controls: right(button),
          probe: right(probe),
        };
      });
      await page.screenshot({ path: `${ARTIFACTS}/width-${width}.png`, fullPage: true });
      expect(layout.page).toBeLessThanOrEqual(layout.window);
      // The statechart under the table is not blown up to the window's width.
      expect(layout.chart).toBeGreaterThan(300);
      expect(layout.chart).toBeLessThanOrEqual(640);
      if (width >= 1280) {
        // The whole row, its next-probe countdown and its controls, is on screen: no scrollbar under the table.
        expect(layout.tableOverflow).toBe(0);
        expect(layout.controls).toBeGreaterThan(0);
        expect(layout.controls).toBeLessThanOrEqual(layout.window);
        expect(layout.probe).toBeLessThanOrEqual(layout.window);
      }
    },
  );

  it('renders a realistic registry (the README screenshot)', async () => {
    const { served, page } = await open({ controls: true });
    const { registry, clock } = served;
    clock.set(new Date(2026, 4, 12, 14, 3, 7).getTime()); // a registry on the wall clock shows times of day
    const healthy = [
      'web.search',
      'fs.read_file',
      'fs.write_file',
      'git.diff',
      'browser.open_url',
      'llm:openai/chat',
    ];
    for (const tool of healthy) registry.tryAcquire(tool)?.success();
    registry.tryAcquire('fs.read_file')?.failure('invalid_parameters');
    registry.tryAcquire('web.search')?.failure('timeout');
    fail(registry, 'http:weather-api', 1);
    registry.tryAcquire('http:weather-api')?.failure('rate_limit');
    fail(registry, 'llm:anthropic/messages'); // t = 0: open until 5 s
    clock.increment(5_000); // half-open; the probe fails: open for 10 s more
    fail(registry, 'llm:anthropic/messages', 1);
    clock.increment(2_000);
    fail(registry, 'shell.exec'); // t = 7 s: open until 12 s
    clock.increment(5_000); // shell.exec half-open
    fail(registry, 'mcp:github/search_issues'); // t = 12 s: open until 17 s
    for (let i = 0; i < 7; i++) registry.tryAcquire('mcp:github/search_issues');
    clock.increment(1_500);
    registry.isolate('code.run_python');
    await page.waitForSelector(row('shell.exec', 'halfOpen'));
    await page.waitForSelector(row('code.run_python', 'isolated'));
    await page.waitForSelector(row('mcp:github/search_issues', 'open'));
    await page.waitForSelector('#shown:text("11 of 11 tools")');
    await page.screenshot({ path: `${ARTIFACTS}/dashboard.png` });
    if (process.env['TRIPSTATE_UPDATE_SCREENSHOT'] === '1') {
      mkdirSync('docs/images', { recursive: true });
      copyFileSync(`${ARTIFACTS}/dashboard.png`, 'docs/images/dashboard.png');
    }
  });
});
