import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry, type RegistryChanges } from '../../src/index.js';
import { createFileStore } from '../../src/node/index.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'tripstate-'));
const defaults = { failureThreshold: 1, minBackoffMs: 60_000 };

async function openAndClose(path: string, tools: readonly string[]): Promise<void> {
  const registry = createRegistry({ defaults, store: createFileStore(path) });
  for (const tool of tools) registry.tryAcquire(tool)?.failure('network');
  registry.stop();
  await registry.flush();
}

describe('the journal file', () => {
  it('loads without a torn last line, and cuts it off before the next write', async () => {
    const path = join(scratch(), 'breakers.journal');
    await openAndClose(path, ['a']);
    appendFileSync(path, '["set","b","open",[2,1,60000,'); // a write cut by a power loss
    const registry = createRegistry({ defaults, store: createFileStore(path) });
    expect(registry.state('a')).toBe('open');
    expect(registry.state('b')).toBe('closed');
    registry.tryAcquire('c')?.failure('network');
    registry.stop();
    await registry.flush();
    expect(readFileSync(path, 'utf8')).not.toContain('"b"');
    const again = createRegistry({ defaults, store: createFileStore(path) });
    expect(again.openCircuits().sort()).toEqual(['a', 'c']);
    again.stop();
    await again.flush();
  });

  it('refuses a bad line in the middle with a SnapshotError naming the file and the line', async () => {
    const path = join(scratch(), 'breakers.journal');
    await openAndClose(path, ['a']);
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, [lines[0], '["set","x"]', ...lines.slice(1)].join('\n'));
    expect(() => createRegistry({ defaults, store: createFileStore(path) })).toThrow(
      new RegExp(`${path} line 2: not a journal entry`),
    );
  });

  it('replays deletions and clears: a reset tool and everything before resetAll() stay forgotten', async () => {
    const path = join(scratch(), 'breakers.journal');
    const registry = createRegistry({ defaults, store: createFileStore(path) });
    for (const tool of ['a', 'b']) registry.tryAcquire(tool)?.failure('network');
    await registry.flush();
    registry.reset('a');
    await registry.flush();
    registry.resetAll();
    registry.tryAcquire('c')?.failure('network');
    await registry.flush();
    registry.stop();
    await registry.flush();
    const again = createRegistry({ defaults, store: createFileStore(path) });
    expect(again.openCircuits()).toEqual(['c']);
    again.stop();
    await again.flush();
  });

  it('removes the temporary files a killed process left, and only those', async () => {
    const folder = scratch();
    const path = join(folder, 'breakers.journal');
    const leftovers = [
      'breakers.journal.4242.0.tmp',
      'breakers.journal.4242.5f0c2a1e-9b7d-4c3a-8e21-0d6f1b2c3d4e.tmp',
    ];
    for (const file of leftovers) writeFileSync(join(folder, file), 'partial');
    writeFileSync(join(folder, 'breakers.journal.notes.tmp'), 'not ours');
    const registry = createRegistry({ defaults, store: createFileStore(path) });
    for (const file of leftovers) expect(existsSync(join(folder, file))).toBe(false);
    expect(existsSync(join(folder, 'breakers.journal.notes.tmp'))).toBe(true);
    registry.stop();
    await registry.flush();
  });

  it('reads a one-document file of the earlier format, and replaces it with a journal on the first write', async () => {
    const path = join(scratch(), 'breakers.json');
    const old = createRegistry({ defaults });
    old.tryAcquire('shell')?.failure('network');
    writeFileSync(path, JSON.stringify(old.getPersistedSnapshot()));
    old.stop();
    const registry = createRegistry({ defaults, store: createFileStore(path) });
    expect(registry.state('shell')).toBe('open');
    registry.tryAcquire('other')?.failure('network');
    registry.stop();
    await registry.flush();
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('{"format":"tripstate.journal","version":1}');
    const again = createRegistry({ defaults, store: createFileStore(path) });
    expect(again.openCircuits().sort()).toEqual(['other', 'shell']);
    again.stop();
    await again.flush();
  });

  it('refuses bad options with errors naming them', () => {
    expect(() => createFileStore('')).toThrow(TypeError);
    expect(() => createFileStore('x', { maxBytes: 10 })).toThrow(
      /maxBytes must be an integer >= 1024, got 10/,
    );
    expect(() => createFileStore('x', { writeDelayMs: -1 })).toThrow(/writeDelayMs/);
    expect(() => createFileStore('x', { readOnly: 'yes' as never })).toThrow(/readOnly/);
    expect(() => createFileStore('x', { maxbytes: 1 } as never)).toThrow(
      /unknown createFileStore option "maxbytes"/,
    );
  });
});

describe('the registry and its store', () => {
  it('rejects flush() when a write fails, warns, and writes the same changes on the next try', async () => {
    const written: RegistryChanges[] = [];
    let failures = 1;
    const registry = createRegistry({
      defaults,
      store: {
        load: () => undefined,
        write: (changes) => {
          if (failures-- > 0) throw new Error('disk full');
          written.push(changes);
        },
      },
    });
    const warnings: string[] = [];
    registry.on('warning', (event) => warnings.push(event.message));
    registry.tryAcquire('a')?.failure('network');
    await expect(registry.flush()).rejects.toThrow('disk full');
    expect(warnings).toEqual([expect.stringMatching(/saving the registry failed/)]);
    await registry.flush();
    expect(written.map((changes) => changes.tools.map(([tool]) => tool))).toEqual([['a']]);
    registry.stop();
  });

  it('saves a simple synchronous store on stop() before stop() returns', () => {
    const saved: unknown[] = [];
    const registry = createRegistry({
      defaults,
      store: { load: () => undefined, save: (s) => void saved.push(s) },
    });
    registry.tryAcquire('a')?.failure('network');
    registry.stop();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      format: 'tripstate.registry',
      tools: [['a', { value: { open: 'cooling' } }]],
    });
  });

  it('restores an asynchronous load once ready() resolves, over tools used meanwhile without failures', async () => {
    const snapshot = (() => {
      const source = createRegistry({ defaults });
      source.tryAcquire('a')?.failure('network');
      const value = JSON.parse(JSON.stringify(source.getPersistedSnapshot())) as unknown;
      source.stop();
      return value;
    })();
    const registry = createRegistry({
      defaults,
      store: { load: () => Promise.resolve(snapshot), write: () => undefined },
    });
    registry.tryAcquire('a')?.success();
    expect(registry.state('a')).toBe('closed');
    await registry.ready();
    expect(registry.state('a')).toBe('open');
    registry.stop();
  });

  it('refuses a store without load() or without save() and write()', () => {
    expect(() => createRegistry({ store: {} as never })).toThrow(/load\(\) method/);
    expect(() => createRegistry({ store: { load: () => undefined } })).toThrow(/save\(\) or a write\(\)/);
  });
});
