import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from '../registry.js';
import { CONTROL_ACTIONS, runControl, type ControlAction } from './controls.js';
import { DashboardFeed } from './feed.js';
import { COMMON_HEADERS, HttpError, sendJson } from './http.js';
import {
  isLoopback,
  resolveDashboardOptions,
  type DashboardHandle,
  type DashboardOptions,
  type ResolvedDashboardOptions,
} from './options.js';
import { renderPage } from './page.js';
import { chartOf } from './chart.js';
import { toRow } from './rows.js';
import { StatsHistory } from './history.js';
import { InvalidToolNameError } from '../tool-name.js';

/** At most this many updates a second reach a page, however many events the registry emits. */
const UPDATES_PER_SECOND = 10;

/** How often (real time) every followed tool's counts are read into its history. */
const SAMPLE_MS = 1_000;

/** The statechart the page draws, read once from `breakerMachine`. */
const CHART = chartOf();

/**
 * Serves a live, self-contained page (no CDN, no internet) showing every tool's breaker: its
 * statechart with the current state highlighted, counters, the backoff countdown and an event
 * log, kept current over server-sent events. Binds 127.0.0.1 and is read-only unless
 * `controls: true`. Rejects with a `RangeError` for a bad option, and with the `listen` error
 * (`EADDRINUSE`, ...) when the port cannot be bound.
 *
 * @example
 * const dashboard = await serveDashboard(registry, { port: 4321 });
 * console.log(dashboard.url); // http://127.0.0.1:4321/
 * await dashboard.close();
 */
export async function serveDashboard(
  registry: Registry,
  options?: DashboardOptions,
): Promise<DashboardHandle> {
  const resolved = resolveDashboardOptions(options);
  const feed = new DashboardFeed(registry, { intervalMs: 1000 / UPDATES_PER_SECOND, pollMs: 1000 });
  const history = new StatsHistory(registry, () => registry.now());
  const sampler = setInterval(() => history.sample(), SAMPLE_MS).unref();
  const server = createServer((req, res) => {
    handle(registry, feed, history, resolved, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else if (error instanceof HttpError)
        sendJson(
          res,
          error.status,
          { error: error.message },
          error.status === 413 ? { connection: 'close' } : {},
        );
      else sendJson(res, 500, { error: 'internal error' });
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(resolved.port, resolved.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    feed.close();
    clearInterval(sampler);
    throw error;
  }
  const { address, port } = server.address() as AddressInfo;
  const shown = address.includes(':') ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}/`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        feed.close();
        clearInterval(sampler);
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

async function handle(
  registry: Registry,
  feed: DashboardFeed,
  history: StatsHistory,
  options: ResolvedDashboardOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (isLoopback(options.host) && !isLoopback(hostName(req.headers.host))) {
    throw new HttpError(403, 'unexpected Host header');
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const action = CONTROL_ACTIONS.find((name) => path === `/api/${name}`);
  if (action !== undefined) return control(registry, feed, options, action, req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed');
  switch (path) {
    case '/':
      return page(options, res);
    case '/events':
      if (req.method !== 'GET') throw new HttpError(405, 'method not allowed');
      res.writeHead(200, {
        ...COMMON_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        connection: 'keep-alive',
      });
      return feed.attach(res);
    case '/api/history':
      return sendJson(res, 200, historyOf(history, url.searchParams.get('tool')));
    case '/api/snapshot':
      return sendJson(res, 200, { rows: registry.snapshot().diagnostics.map(toRow) });
    default:
      throw new HttpError(404, 'not found');
  }
}

async function control(
  registry: Registry,
  feed: DashboardFeed,
  options: ResolvedDashboardOptions,
  action: ControlAction,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST') throw new HttpError(405, 'method not allowed');
  if (!options.controls)
    throw new HttpError(403, 'controls are disabled (serveDashboard({ controls: true }))');
  const tool = await runControl(registry, action, req);
  feed.touch(tool);
  sendJson(res, 200, { tool, action, state: registry.state(tool) });
}

function page(options: ResolvedDashboardOptions, res: ServerResponse): void {
  const nonce = randomBytes(16).toString('base64');
  const html = renderPage({ nonce, controls: options.controls, chart: CHART });
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  });
  res.end(html);
}

/** A tool's per-second history; a 400 for a missing or invalid tool name. */
function historyOf(history: StatsHistory, tool: string | null) {
  if (tool === null) throw new HttpError(400, 'the tool query parameter is required');
  try {
    return history.history(tool);
  } catch (error) {
    if (error instanceof InvalidToolNameError) throw new HttpError(400, error.message);
    throw error;
  }
}

/** The host name of a Host header (`127.0.0.1:8080` → `127.0.0.1`, `[::1]:80` → `[::1]`). */
function hostName(header: string | undefined): string {
  if (header === undefined) return '';
  const match = /^(\[[^\]]*\]|[^:]*)/.exec(header);
  return (match?.[1] ?? '').toLowerCase();
}
