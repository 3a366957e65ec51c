import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createBreaker, createRegistry } from '../../src/index.js';
import { createNodeInspector, type NodeInspector } from '../../src/inspect/index.js';
import { breakerMachine } from '../../machines/index.js';
import { startInspectionServer, type InspectionMessage } from './server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const server = await startInspectionServer();
  const inspector: NodeInspector = createNodeInspector({ url: server.url });
  cleanups.push(
    () => server.close(),
    () => inspector.stop(),
  );
  return { server, inspector };
}

const isActor = (name: string) => (m: InspectionMessage) => m.type === '@xstate.actor' && m.name === name;

/** The breaker actors of a registry: children of its chart's shards, the registry actor's children. */
function toolActors(
  messages: readonly InspectionMessage[],
  registryId: string | undefined,
): InspectionMessage[] {
  const actors = messages.filter((m) => m.type === '@xstate.actor');
  const shards = new Set(actors.filter((m) => m.parentId === registryId).map((m) => m.sessionId));
  return actors.filter((m) => m.parentId !== undefined && shards.has(m.parentId));
}

/** Names in a machine definition as the inspector receives it: guards and `after` delays. */
function namesIn(definition: string): { guards: Set<string>; delays: Set<string> } {
  const guards = new Set<string>();
  const delays = new Set<string>();
  JSON.parse(definition, (key, value: unknown) => {
    if (key === 'guard' && typeof value === 'string') guards.add(value);
    if (key === 'after' && typeof value === 'object' && value !== null) {
      for (const delay of Object.keys(value)) delays.add(delay);
    }
    return value;
  });
  return { guards, delays };
}

/** A port with nothing listening on it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('createNodeInspector', () => {
  it('sends @xstate.actor, @xstate.event and @xstate.snapshot messages for a breaker', async () => {
    const { server, inspector } = await setup();
    const clock = new SimulatedClock();
    const breaker = createBreaker({
      failureThreshold: 1,
      minBackoffMs: 5_000,
      clock,
      inspect: inspector.inspect,
    });
    cleanups.push(() => breaker.stop());

    const actor = await server.waitFor(isActor('breaker'));
    breaker.tryAcquire()?.failure('network');
    const failed = await server.waitFor(
      (m) => m.type === '@xstate.event' && m.sessionId === actor.sessionId && m.event?.type === 'call.failed',
    );
    const opened = await server.waitFor(
      (m) => m.type === '@xstate.snapshot' && JSON.stringify(m.snapshot?.value) === '{"open":"cooling"}',
    );
    clock.increment(5_000);
    const halfOpen = await server.waitFor(
      (m) => m.type === '@xstate.snapshot' && JSON.stringify(m.snapshot?.value) === '{"halfOpen":"idle"}',
    );
    expect(inspector.connected).toBe(true);
    expect([failed.sessionId, opened.sessionId, halfOpen.sessionId]).toEqual(Array(3).fill(actor.sessionId));
  });

  it('carries the machine definition with every named guard and delay in @xstate.actor', async () => {
    const { server, inspector } = await setup();
    const breaker = createBreaker({ inspect: inspector.inspect });
    cleanups.push(() => breaker.stop());

    const { definition } = await server.waitFor(isActor('breaker'));
    const { guards, delays } = namesIn(definition ?? '{}');
    expect([...guards].sort()).toEqual(Object.keys(breakerMachine.implementations.guards).sort());
    expect([...delays].sort()).toEqual(Object.keys(breakerMachine.implementations.delays).sort());
  });

  it('shows a registry and the breaker actor of every tool in one actor system', async () => {
    const { server, inspector } = await setup();
    const clock = new SimulatedClock();
    const registry = createRegistry({
      defaults: { failureThreshold: 1, minBackoffMs: 5_000, clock, inspect: inspector.inspect },
    });
    cleanups.push(() => registry.stop());

    const root = await server.waitFor(isActor('registry'));
    for (const tool of ['shell', 'http', 'mcp:files']) registry.tryAcquire(tool)?.failure('network');
    registry.tryAcquire('search')?.success();
    await server.waitFor((m) => m.type === '@xstate.event' && m.event?.type === 'breaker.opened');
    const breakers = () => toolActors(server.messages, root.sessionId);
    await server.waitFor(() => breakers().length >= 4);
    const ids = new Set(breakers().map((m) => m.sessionId));
    const isOpen = (id: string | undefined) =>
      server.messages.some(
        (m) =>
          m.type === '@xstate.snapshot' &&
          m.sessionId === id &&
          JSON.stringify(m.snapshot?.value) === '{"open":"cooling"}',
      );
    await server.waitFor(() => [...ids].filter(isOpen).length === 3);
    expect(ids.size).toBe(4);
    expect(registry.openCircuits().sort()).toEqual(['http', 'mcp:files', 'shell']);
    expect(breakers().every((m) => namesIn(m.definition ?? '{}').delays.has('backoff'))).toBe(true);
  });

  it('queues what happens before the inspector connects and sends it once connected', async () => {
    const server = await startInspectionServer();
    cleanups.push(() => server.close());
    const inspector = createNodeInspector({ url: server.url, maxDeferredEvents: 1_000 });
    cleanups.push(() => inspector.stop());
    const breaker = createBreaker({ failureThreshold: 1, inspect: inspector.inspect });
    cleanups.push(() => breaker.stop());
    breaker.tryAcquire()?.failure('timeout');

    await server.waitFor((m) => m.type === '@xstate.event' && m.event?.type === 'call.failed');
    expect(server.messages.filter(isActor('breaker'))).toHaveLength(1);
  });
});

describe('createNodeInspector stop()', () => {
  it('connects and sends what was queued when stopped before the socket opened', async () => {
    const server = await startInspectionServer();
    cleanups.push(() => server.close());
    const inspector = createNodeInspector({ url: server.url });
    const registry = createRegistry({ defaults: { failureThreshold: 1, inspect: inspector.inspect } });
    for (const tool of ['shell', 'http']) registry.tryAcquire(tool)?.failure('network');
    registry.tryAcquire('search')?.success();
    expect(inspector.connected).toBe(false);

    registry.stop();
    await inspector.stop();

    expect(server.messages.filter(isActor('registry'))).toHaveLength(1);
    expect(
      server.messages.some((m) => m.type === '@xstate.event' && m.event?.type === 'breaker.opened'),
    ).toBe(true);
    expect(inspector.connected).toBe(false);
  });

  it('resolves at once when nothing listens, dropping what was queued', async () => {
    const inspector = createNodeInspector({
      url: `ws://127.0.0.1:${await freePort()}`,
      stopTimeoutMs: 60_000,
    });
    const breaker = createBreaker({ failureThreshold: 1, inspect: inspector.inspect });
    breaker.tryAcquire()?.failure('network');
    breaker.stop();
    const started = performance.now();
    await inspector.stop();
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('gives up after stopTimeoutMs when the connection neither opens nor fails', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    cleanups.push(() => vi.useRealTimers());
    const accepted: Socket[] = [];
    const silent = createServer((s) => accepted.push(s)); // accepts TCP, never answers the upgrade
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const s of accepted) s.destroy();
      return new Promise((resolve) => silent.close(resolve));
    });
    const { port } = silent.address() as { port: number };
    const inspector = createNodeInspector({ url: `ws://127.0.0.1:${port}`, stopTimeoutMs: 1_000 });
    const breaker = createBreaker({ inspect: inspector.inspect });
    breaker.stop();
    let done = false;
    const stopping = inspector.stop().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(done).toBe(true);
  });
});

describe('createNodeInspector options', () => {
  it.each([
    ['retryMs', -1],
    ['maxDeferredEvents', 1.5],
    ['stopTimeoutMs', Number.NaN],
  ])('throws a RangeError naming %s for %s', (name, value) => {
    expect(() => createNodeInspector({ url: 'ws://127.0.0.1:9', [name]: value })).toThrow(
      new RangeError(`tripstate: option ${name} must be an integer >= 0, got ${value}`),
    );
  });
});

describe('createNodeInspector transport', () => {
  /** A TCP server that records the first bytes each connection sends, and answers nothing. */
  async function firstBytesServer() {
    const accepted: Socket[] = [];
    const first: Buffer[] = [];
    const waiters: (() => void)[] = [];
    const server = createServer((socket) => {
      accepted.push(socket);
      socket.once('data', (data: Buffer) => {
        first.push(data);
        for (const wake of waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      for (const socket of accepted) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    });
    const { port } = server.address() as { port: number };
    const received = () =>
      new Promise<Buffer>((resolve) => {
        const check = () => (first[0] === undefined ? waiters.push(check) : resolve(first[0]));
        check();
      });
    return { port, received };
  }

  it.each([
    [
      'ws:',
      'an HTTP upgrade request in clear text',
      (data: Buffer) => data.toString('latin1', 0, 4) === 'GET ',
    ],
    ['wss:', 'a TLS handshake record (0x16)', (data: Buffer) => data[0] === 0x16],
  ])('speaks %s to the server as %s', async (protocol, _what, matches) => {
    const { port, received } = await firstBytesServer();
    const inspector = createNodeInspector({ url: `${protocol}//127.0.0.1:${port}`, stopTimeoutMs: 0 });
    cleanups.push(() => inspector.stop());
    expect(matches(await received())).toBe(true);
  });
});

describe('a process inspected with createNodeInspector and no inspector listening', () => {
  const fixture = fileURLToPath(new URL('./fixtures/no-listener.ts', import.meta.url));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', fixture, ...args], { encoding: 'utf8', timeout: 30_000 });

  it('exits by itself once the breaker and the inspector are stopped', async () => {
    const result = run(`ws://127.0.0.1:${await freePort()}`);
    expect(result.stderr).toBe('');
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
  });

  it('exits by itself even when the inspector is never stopped', async () => {
    const result = run(`ws://127.0.0.1:${await freePort()}`, '--no-stop');
    expect(result.stderr).toBe('');
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
  });
});

describe('a process with an inspected registry of several tools, some open', () => {
  const fixture = fileURLToPath(new URL('./fixtures/registry.ts', import.meta.url));
  /** Runs the fixture without blocking this process, which may be the inspector it talks to. */
  const run = (...args: string[]) =>
    new Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number }>(
      (resolve, reject) => {
        const started = performance.now();
        const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
          stdio: ['ignore', 'ignore', 'pipe'],
          timeout: 30_000,
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.on('error', reject);
        child.on('close', (status, signal) =>
          resolve({ status, signal, stderr, ms: performance.now() - started }),
        );
      },
    );
  const exitedByItself = (result: Awaited<ReturnType<typeof run>>) => {
    expect(result.stderr).toBe('');
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.ms).toBeLessThan(15_000);
  };

  it('exits by itself once the registry and the inspector are stopped, with no inspector listening', async () => {
    exitedByItself(await run(`ws://127.0.0.1:${await freePort()}`));
  });

  it('exits by itself once the registry alone is stopped, with no inspector listening', async () => {
    exitedByItself(await run(`ws://127.0.0.1:${await freePort()}`, '--registry-only'));
  });

  it('exits by itself once both are stopped, with an inspector listening that got every tool', async () => {
    const server = await startInspectionServer();
    cleanups.push(() => server.close());
    exitedByItself(await run(server.url));
    const root = server.messages.find(isActor('registry'));
    const tools = toolActors(server.messages, root?.sessionId);
    expect(tools).toHaveLength(5);
  });

  it('exits by itself once the registry alone is stopped, with an inspector listening', async () => {
    const server = await startInspectionServer();
    cleanups.push(() => server.close());
    exitedByItself(await run(server.url, '--registry-only'));
  });
});
