/** What the tests against real servers (Prometheus, Redis) share: free ports and bounded waits. */
import { createServer } from 'node:net';

/** True when running in CI (`CI=true`), where a missing server binary fails, never skips. */
export const IN_CI = /^(1|true)$/i.test(process.env['CI'] ?? '');

/** A port nobody listens on now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `check` every `everyMs` (default 100) until it is true; throws after `ms` (a bounded wait). */
export async function until(
  check: () => Promise<boolean> | boolean,
  ms: number,
  why: () => string,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${why()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
