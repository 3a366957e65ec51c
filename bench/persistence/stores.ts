/**
 * The stores compared by scenario 8: the journal file store (chosen), the whole registry
 * rewritten as one JSON file with asynchronous I/O, and SQLite through better-sqlite3 (only
 * when `BENCH_SQLITE` names an installed copy: it is a native module and no dependency of the
 * project). Each is wrapped to count its writes.
 */
import { createRequire } from 'node:module';
import { open, rename } from 'node:fs/promises';
import type { RegistryChanges, RegistryStore } from '../../src/index.js';
import { createFileStore } from '../../src/node/index.js';

export interface CountedStore {
  readonly store: RegistryStore;
  readonly writes: () => number;
}

/** The same writes as `store`, counted. */
function counted(store: RegistryStore): CountedStore {
  let writes = 0;
  const write = store.write?.bind(store);
  const save = store.save?.bind(store);
  return {
    store: {
      load: (context) => store.load(context),
      ...(write && { write: (changes, context) => (writes++, write(changes, context)) }),
      ...(save && { save: (snapshot, context) => (writes++, save(snapshot, context)) }),
      close: () => store.close?.(),
      ...(store.writeDelayMs === undefined ? {} : { writeDelayMs: store.writeDelayMs }),
    },
    writes: () => writes,
  };
}

export const journalStore = (path: string): CountedStore => counted(createFileStore(path));

/** Every save: the whole registry as JSON, written to a temporary file, fsync'd and renamed (I/O off the loop). */
export function wholeFileStore(path: string): CountedStore {
  return counted({
    load: () => undefined,
    async save(snapshot) {
      const text = JSON.stringify(snapshot);
      const handle = await open(`${path}.tmp`, 'w');
      try {
        await handle.writeFile(text);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(`${path}.tmp`, path);
    },
    writeDelayMs: 25,
  });
}

interface Statement {
  run(...values: unknown[]): unknown;
}
interface Database {
  pragma(text: string): unknown;
  exec(text: string): unknown;
  prepare(text: string): Statement;
  transaction(fn: (changes: RegistryChanges) => void): (changes: RegistryChanges) => void;
  close(): void;
}

/** SQLite (WAL, synchronous=FULL): one transaction per batch of changes; better-sqlite3 is synchronous. */
export function sqliteStore(path: string): CountedStore | undefined {
  const location = process.env['BENCH_SQLITE'];
  if (location === undefined) return undefined;
  const Sqlite = createRequire(import.meta.url)(location) as new (file: string) => Database;
  const db = new Sqlite(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS tools (name TEXT PRIMARY KEY, state TEXT NOT NULL)');
  const upsert = db.prepare('INSERT OR REPLACE INTO tools (name, state) VALUES (?, ?)');
  const remove = db.prepare('DELETE FROM tools WHERE name = ?');
  const clear = db.prepare('DELETE FROM tools');
  const apply = db.transaction((changes: RegistryChanges) => {
    if (changes.cleared) clear.run();
    for (const [tool, state] of changes.tools) {
      if (state === null) remove.run(tool);
      else upsert.run(tool, JSON.stringify(state));
    }
  });
  return counted({
    load: () => undefined,
    write: (changes) => apply(changes),
    close: () => db.close(),
    writeDelayMs: 25,
  });
}
