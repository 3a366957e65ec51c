import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SnapshotError } from '../errors.js';
import type { PersistedRegistrySnapshot, RegistryStore } from '../registry-snapshot.js';

/** Options of `createFileStore`. */
export interface FileStoreOptions {
  /** Largest file accepted on load, in bytes; larger files are refused as corrupt. @default 268435456 (256 MiB) */
  readonly maxBytes?: number;
}

/**
 * A registry store in one JSON file (Node only): `load()` reads it (undefined when missing);
 * `save()` writes a temporary file beside it and renames it over the old one, so a process
 * killed mid-write leaves the previous snapshot whole. Unreadable JSON is a `SnapshotError`.
 */
export function createFileStore(path: string, options: FileStoreOptions = {}): RegistryStore {
  if (typeof path !== 'string' || path === '')
    throw new TypeError('tripstate: createFileStore needs a file path');
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  let sequence = 0;
  return {
    load(): unknown {
      let text: string;
      try {
        const bytes = readFileSync(path);
        if (bytes.length > maxBytes)
          throw new SnapshotError('', `${path} is ${bytes.length} bytes, over the ${maxBytes} limit`);
        text = bytes.toString('utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new SnapshotError('', `${path} is not valid JSON (${(error as Error).message})`);
      }
    },
    save(snapshot: PersistedRegistrySnapshot): void {
      const temporary = `${path}.${process.pid}.${sequence++}.tmp`;
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(temporary, JSON.stringify(snapshot));
        renameSync(temporary, path);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      }
    },
  };
}
