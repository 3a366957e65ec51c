import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SnapshotError, createRegistry } from '../../src/index.js';
import { createFileStore } from '../../src/node/index.js';

afterEach(() => vi.useRealTimers());

const scratch = () => mkdtempSync(join(tmpdir(), 'tripstate-'));
const defaults = { failureThreshold: 1, minBackoffMs: 60_000 };

describe('registry persistence', () => {
  it('restores every tool with its state, counters and re-armed remaining backoff', () => {
    vi.useFakeTimers();
    const registry = createRegistry({ defaults: { ...defaults, failureThreshold: 3 } });
    for (let i = 0; i < 3; i++) registry.tryAcquire('a')?.failure('network');
    registry.tryAcquire('a');
    registry.tryAcquire('b')?.failure('rate_limit');
    registry.isolate('c');
    vi.advanceTimersByTime(20_000);
    const saved = JSON.parse(JSON.stringify(registry.getPersistedSnapshot())) as unknown;
    registry.stop();
    vi.advanceTimersByTime(10_000);
    const restored = createRegistry({ defaults: { ...defaults, failureThreshold: 3 }, snapshot: saved });
    expect(restored.diagnostics('a')).toMatchObject({
      state: 'open',
      openCount: 1,
      deniedRequests: 1,
      remainingBackoffMs: 30_000,
    });
    expect(restored.diagnostics('b')).toMatchObject({
      state: 'closed',
      failureCount: 1,
      lastErrorCategory: 'rate_limit',
    });
    expect(restored.state('c')).toBe('isolated');
    expect(restored.openCircuits()).toEqual(['a', 'c']);
    vi.advanceTimersByTime(30_000);
    expect(restored.state('a')).toBe('halfOpen');
  });

  it('writes each state change to the journal, durable once flush() resolves, and loads on start', async () => {
    const path = join(scratch(), 'breakers.journal');
    const registry = createRegistry({ defaults, store: createFileStore(path) });
    registry.tryAcquire('shell')?.failure('network');
    await registry.flush();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0] as string)).toEqual({ format: 'tripstate.journal', version: 1 });
    expect(lines.slice(1).map((line) => (JSON.parse(line) as unknown[]).slice(0, 3))).toEqual([
      ['set', 'shell', 'open'],
    ]);
    expect(readdirSync(join(path, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    registry.stop();
    await registry.flush();
    const again = createRegistry({ defaults, store: createFileStore(path) });
    expect(again.state('shell')).toBe('open');
    again.stop();
    await again.flush();
  });

  it('keeps open circuits when the process is killed with SIGKILL', async () => {
    const path = join(scratch(), 'breakers.json');
    const fixture = fileURLToPath(new URL('./fixtures/open-and-wait.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)));
    });
    const killedAt = Date.now();
    const exited = new Promise((resolve) => child.on('exit', (_, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    vi.useFakeTimers({ now: Date.now() });
    const registry = createRegistry({ defaults, store: createFileStore(path) });
    expect(registry.openCircuits().sort()).toEqual(['mcp__github__search', 'shell']);
    expect(registry.state('read_file')).toBe('closed');
    const remaining = registry.diagnostics('shell').remainingBackoffMs as number;
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(60_000 - (Date.now() - killedAt));
    vi.advanceTimersByTime(remaining - 1);
    expect(registry.state('shell')).toBe('open');
    vi.advanceTimersByTime(1);
    expect(registry.state('shell')).toBe('halfOpen');
    vi.advanceTimersByTime(registry.diagnostics('mcp__github__search').remainingBackoffMs ?? 0);
    expect(registry.state('mcp__github__search')).toBe('halfOpen');
    vi.useRealTimers();
    registry.stop();
    await registry.flush();
  });

  const valid = () => {
    const registry = createRegistry({ defaults });
    registry.tryAcquire('shell')?.failure('network');
    return JSON.stringify(registry.getPersistedSnapshot());
  };
  const corrupt: [string, () => string, RegExp][] = [
    ['an empty file', () => '', /not valid JSON/],
    ['a truncated file', () => valid().slice(0, 60), /not valid JSON/],
    ['binary garbage', () => '\u0000\u00ff\u0001garbage', /not valid JSON/],
    ['JSON of another shape', () => '[1,2,3]', /expected a registry snapshot object/],
    [
      'another format',
      () => JSON.stringify({ format: 'other', version: 1, tools: [] }),
      /not a tripstate registry snapshot/,
    ],
    [
      'a tool that is not a pair',
      () => JSON.stringify({ format: 'tripstate.registry', version: 1, tools: ['shell'] }),
      /tools\[0\]/,
    ],
    ['an invalid tool name', () => valid().replace('"shell"', '""'), /tools\[0\]\[0\]/],
    [
      'a negative counter',
      () => valid().replace('"openCount":1', '"openCount":-5'),
      /tools\[0\]\[1\]\.context\.openCount/,
    ],
    ['an unknown state', () => valid().replace('"cooling"', '"melting"'), /tools\[0\]\[1\]\.value/],
    [
      'a duplicated tool',
      () => valid().replace(/"tools":\[(.*)\]\}$/, '"tools":[$1,$1]}'),
      /a tool listed twice/,
    ],
  ];

  it.each(corrupt)(
    'refuses %s with a SnapshotError, or starts empty with a warning by option',
    async (_, content, message) => {
      const path = join(scratch(), 'breakers.json');
      writeFileSync(path, content());
      expect(() => createRegistry({ defaults, store: createFileStore(path) })).toThrow(SnapshotError);
      expect(() => createRegistry({ defaults, store: createFileStore(path) })).toThrow(message);
      const registry = createRegistry({
        defaults,
        store: createFileStore(path),
        onInvalidSnapshot: 'startEmpty',
      });
      const warnings: string[] = [];
      registry.on('warning', (e) => warnings.push(e.message));
      await Promise.resolve();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/started empty/);
      expect(registry.size).toBe(0);
      expect(registry.actor.getSnapshot().status).toBe('active');
      registry.tryAcquire('shell')?.failure('network');
      registry.stop();
      await registry.flush();
      const again = createRegistry({ defaults, store: createFileStore(path) });
      expect(again.state('shell')).toBe('open');
      again.stop();
      await again.flush();
    },
  );

  it('refuses a hostile snapshot without polluting any prototype', () => {
    const hostile = valid().replace(
      '"context":{',
      '"context":{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},',
    );
    const registry = createRegistry({ defaults, snapshot: JSON.parse(hostile) });
    expect(registry.state('shell')).toBe('open');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const payload = JSON.parse(
      '{"format":"tripstate.registry","version":1,"tools":[["__proto__",' +
        valid().match(/"tools":\[\["shell",(.*)\]\]\}$/)?.[1] +
        ']]}',
    );
    const tricky = createRegistry({ defaults, snapshot: payload });
    expect(tricky.state('__proto__')).toBe('open');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('reports a missing file as no snapshot', async () => {
    const path = join(scratch(), 'nested', 'none.json');
    const registry = createRegistry({ defaults, store: createFileStore(path) });
    expect(registry.size).toBe(0);
    expect(existsSync(path)).toBe(false);
    registry.stop();
    await registry.flush();
  });
});
