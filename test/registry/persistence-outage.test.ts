/** The persistence failures an outage brings out, one test per case: each failed before the journal store. */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { SnapshotError, createRegistry, type RegistryStore } from '../../src/index.js';
import { createFileStore } from '../../src/node/index.js';

afterEach(() => vi.useRealTimers());
afterAll(async () => (await import('./fixtures/compile.js')).removeCompiled());

const scratch = () => mkdtempSync(join(tmpdir(), 'tripstate-'));
const defaults = { failureThreshold: 1, minBackoffMs: 60_000 };

/** Starts a registry on `store` twice: `throw` must throw a SnapshotError, `startEmpty` must warn. */
async function refusedBoth(store: () => RegistryStore, message: RegExp): Promise<string> {
  let thrown: unknown;
  try {
    createRegistry({ defaults, store: store() }).stop();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SnapshotError);
  expect((thrown as Error).message).toMatch(message);
  const registry = createRegistry({ defaults, store: store(), onInvalidSnapshot: 'startEmpty' });
  const warnings: string[] = [];
  registry.on('warning', (event) => warnings.push(event.message));
  await Promise.resolve();
  expect(registry.size).toBe(0);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/started empty/);
  expect(warnings[0]).toMatch(message);
  registry.stop();
  await registry.flush().catch(() => undefined);
  return warnings[0] as string;
}

describe('what a save costs', () => {
  it('writes only the tool that changed, without its configuration', async () => {
    const path = join(scratch(), 'breakers.journal');
    const registry = createRegistry({ defaults, maxTools: 20_000, store: createFileStore(path) });
    for (let i = 0; i < 10_000; i++) registry.tryAcquire(`tool-${i}`)?.success();
    registry.tryAcquire('tool-42')?.failure('network');
    await registry.flush();
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(2); // the header and tool-42
    expect(text).toContain('"tool-42"');
    expect(text).not.toContain('failureThreshold');
    registry.stop();
    await registry.flush();
  });

  it('writes openings from separate callbacks within the write delay as one write', async () => {
    vi.useFakeTimers();
    const writes: number[] = [];
    const registry = createRegistry({
      defaults,
      store: {
        load: () => undefined,
        write: (changes) => void writes.push(changes.tools.length),
        writeDelayMs: 25,
      },
    });
    for (let i = 0; i < 100; i++)
      setTimeout(() => registry.tryAcquire(`tool-${i}`)?.failure('network'), i / 10);
    await vi.advanceTimersByTimeAsync(100);
    expect(writes).toEqual([100]);
    registry.stop();
  });

  it('keeps gathering changes while a write is in flight, and writes them next, once', async () => {
    const batches: string[][] = [];
    let finish = () => {};
    const registry = createRegistry({
      defaults,
      store: {
        load: () => undefined,
        write: (changes) => {
          batches.push(changes.tools.map(([tool]) => tool));
          return new Promise<void>((resolve) => (finish = resolve));
        },
        writeDelayMs: 0,
      },
    });
    registry.tryAcquire('a')?.failure('network');
    const first = registry.flush();
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    for (const tool of ['b', 'c', 'd']) registry.tryAcquire(tool)?.failure('network');
    const second = registry.flush();
    finish();
    await first;
    await vi.waitFor(() => expect(batches).toHaveLength(2));
    finish();
    await second;
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
    registry.stop();
  });
});

describe('bounded and always loadable', () => {
  it('keeps the isolated and open tools within maxBytes with a warning, and loads what it wrote', async () => {
    const path = join(scratch(), 'breakers.journal');
    const maxBytes = 64 * 1024;
    const maxToolNameLength = 4_096; // names longer than the default 1,024, allowed on purpose
    const registry = createRegistry({
      defaults,
      maxToolNameLength,
      store: createFileStore(path, { maxBytes }),
    });
    const warnings: string[] = [];
    registry.on('warning', (event) => warnings.push(event.message));
    const long = (i: number) => `${String(i).padStart(4, '0')}-${'x'.repeat(2_000)}`;
    for (let i = 0; i < 100; i++) registry.tryAcquire(long(i))?.failure('network');
    registry.isolate('kill-switch');
    await registry.flush();
    registry.stop();
    await registry.flush();
    expect(statSync(path).size).toBeLessThanOrEqual(maxBytes);
    expect(warnings.some((w) => /maxBytes/.test(w) && /isolated, open, half-open, failing/.test(w))).toBe(
      true,
    );
    const again = createRegistry({ defaults, maxToolNameLength, store: createFileStore(path, { maxBytes }) });
    expect(again.state('kill-switch')).toBe('isolated');
    expect(again.openCircuits().length).toBeGreaterThan(20);
    again.stop();
    await again.flush();
  });

  it('saves and loads a million tools within the default bound', async () => {
    const path = join(scratch(), 'breakers.journal');
    const store = createFileStore(path);
    const context = { warn: (message: string) => expect.fail(message) };
    expect(store.load(context)).toBeUndefined();
    const state = {
      value: { open: 'cooling' } as const,
      context: {
        generation: 2,
        failureCount: 1,
        currentBackoffMs: 60_000,
        retryAt: Date.now() + 60_000,
        openedAt: Date.now(),
        openCount: 1,
        halfOpenCount: 0,
        deniedRequests: 0,
        lastDeniedAt: null,
        lastErrorCategory: 'network' as const,
        lastErrorAt: null,
        probesInFlight: 0,
        probeStartedAt: null,
        window: null,
        probeResults: 0,
        probeFailures: 0,
        probeSlowCalls: 0,
        idleSince: null,
      },
    };
    const tools = Array.from({ length: 1_000_000 }, (_, i) => [`mcp__server__tool_${i}`, state] as const);
    await store.write?.({ cleared: false, tools }, context);
    await store.close?.();
    expect(statSync(path).size).toBeLessThanOrEqual(256 * 1024 * 1024);
    const loaded = createFileStore(path, { readOnly: true }).load(context) as { tools: unknown[] };
    expect(loaded.tools).toHaveLength(1_000_000);
  }, 120_000);
});

describe('safe load', () => {
  it('refuses a folder at the path (EISDIR) with a SnapshotError naming the path', async () => {
    const path = join(scratch(), 'breakers.journal');
    mkdirSync(path);
    await refusedBoth(() => createFileStore(path), new RegExp(`${path} is a folder`));
  });

  it('refuses a path under a regular file (ENOTDIR) with a SnapshotError naming the cause', async () => {
    const file = join(scratch(), 'plain');
    writeFileSync(file, '');
    await refusedBoth(() => createFileStore(join(file, 'breakers.journal')), /ENOTDIR/);
  });

  it('refuses a FIFO at the path without waiting for a writer', async () => {
    const path = join(scratch(), 'breakers.journal');
    expect(spawnSync('mkfifo', [path]).status).toBe(0);
    await refusedBoth(() => createFileStore(path), /is a FIFO/);
  });

  it('refuses a symlink to /dev/zero without reading it', async () => {
    const path = join(scratch(), 'breakers.journal');
    symlinkSync('/dev/zero', path);
    await refusedBoth(() => createFileStore(path), /is a character device/);
  });

  it('refuses a file over maxBytes from fstat, before reading it', async () => {
    const path = join(scratch(), 'breakers.journal');
    writeFileSync(path, '');
    truncateSync(path, 300 * 1024 * 1024); // sparse: 300 MB that take no disk
    await refusedBoth(() => createFileStore(path), /314572800 bytes, over the 268435456 limit/);
  });

  it('turns a custom store whose load() throws into a SnapshotError', async () => {
    const store = () => ({
      load: () => {
        throw new Error('connection refused');
      },
      save: () => undefined,
    });
    await refusedBoth(store, /could not be loaded: connection refused/);
  });

  it('turns a custom store whose load() rejects into a rejected ready(), or an empty start', async () => {
    const store = () => ({ load: () => Promise.reject(new Error('timed out')), save: () => undefined });
    const strict = createRegistry({ defaults, store: store() });
    await expect(strict.ready()).rejects.toThrow(SnapshotError);
    await expect(strict.ready()).rejects.toThrow(/could not be loaded: timed out/);
    const lenient = createRegistry({ defaults, store: store(), onInvalidSnapshot: 'startEmpty' });
    const warnings: string[] = [];
    lenient.on('warning', (event) => warnings.push(event.message));
    await lenient.ready();
    expect(warnings).toEqual([expect.stringMatching(/started empty.*timed out/)]);
  });

  it('refuses a file it may not read (EACCES), checked as the user nobody since root ignores modes', async () => {
    const folder = scratch();
    chmodSync(folder, 0o777);
    const path = join(folder, 'breakers.journal');
    writeFileSync(path, '{"format":"tripstate.journal","version":1}\n', { mode: 0o600 });
    const { compiledFixture } = await import('./fixtures/compile.js');
    // As root, the check runs as nobody; as anyone else, the mode alone refuses the read.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if (process.getuid?.() !== 0) chmodSync(path, 0o000);
    const child = spawnSync(process.execPath, [compiledFixture('load-as-nobody.ts'), path], {
      ...asNobody,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stderr).toBe('');
    const result = JSON.parse(child.stdout) as {
      thrown: string;
      name: string;
      warnings: string[];
      size: number;
    };
    expect(result.name).toBe('SnapshotError');
    expect(result.thrown).toMatch(new RegExp(`${path} cannot be opened \\(EACCES`));
    expect(result.warnings).toEqual([expect.stringMatching(/started empty.*EACCES/)]);
    expect(result.size).toBe(0);
  });
});

describe('one writer', () => {
  it('refuses a second process on the same file, lets it read read-only, and takes over once the owner is gone', async () => {
    const path = join(scratch(), 'breakers.journal');
    const { compiledFixture } = await import('./fixtures/compile.js');
    const child = spawn(process.execPath, [compiledFixture('hold-store.ts'), path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const pid = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const match = /ready (\d+)/.exec(chunk.toString());
          if (match) resolve(match[1] as string);
        });
        child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
      });
      expect(() => createRegistry({ defaults, store: createFileStore(path) })).toThrow(
        new RegExp(`held by pid ${pid} .*readOnly: true`),
      );
      const reader = createRegistry({ defaults, store: createFileStore(path, { readOnly: true }) });
      expect(reader.state('held')).toBe('open');
      reader.tryAcquire('other')?.failure('network');
      await reader.flush();
      expect(readFileSync(path, 'utf8')).not.toContain('other');
      reader.stop();
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    const successor = createRegistry({ defaults, store: createFileStore(path) });
    expect(successor.state('held')).toBe('open');
    successor.stop();
    await successor.flush();
  });

  it('refuses a second store on the same file in the same process until the first is closed', async () => {
    const path = join(scratch(), 'breakers.journal');
    const first = createRegistry({ defaults, store: createFileStore(path) });
    expect(() => createRegistry({ defaults, store: createFileStore(path) })).toThrow(
      /another store in this process/,
    );
    first.stop();
    await first.flush();
    const second = createRegistry({ defaults, store: createFileStore(path) });
    second.stop();
    await second.flush();
  });
});

describe('durable through SIGKILL', () => {
  it('loses nothing flush() acknowledged and leaves no temporary file, over 50 kills at random moments', async () => {
    const folder = scratch();
    const path = join(folder, 'breakers.journal');
    const { compiledFixture } = await import('./fixtures/compile.js');
    const fixture = compiledFixture('isolate-until-killed.ts');
    const acked: string[] = [];
    let temporariesSeen = 0;
    for (let round = 0; round < 50; round++) {
      const child = spawn(process.execPath, [fixture, path, `r${round}-`, '40'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        let buffered = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop() as string;
          for (const line of lines) {
            if (line === 'started') setTimeout(() => child.kill('SIGKILL'), 20 + Math.random() * 200);
            else if (line.startsWith('acked ')) acked.push(line.slice(6));
          }
        });
        child.on('exit', (_, signal) =>
          signal === 'SIGKILL' ? resolve() : reject(new Error(`child ended without a kill: ${stderr}`)),
        );
      });
      await exited;
      temporariesSeen += readdirSync(folder).filter((file) => file.endsWith('.tmp')).length;
      const registry = createRegistry({ defaults, store: createFileStore(path, { maxBytes: 256 * 1024 }) });
      expect(readdirSync(folder).filter((file) => file.endsWith('.tmp'))).toEqual([]);
      const lost = acked.filter((tool) => registry.state(tool) !== 'isolated');
      expect(lost).toEqual([]);
      registry.stop();
      await registry.flush();
    }
    expect(acked.length).toBeGreaterThan(50);
    console.log(
      `kill loop: ${acked.length} acknowledged isolations kept, ${temporariesSeen} temporary files removed on restart`,
    );
  }, 180_000);
});
