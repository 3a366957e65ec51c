import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SnapshotError, isStoreLockedError } from '../errors.js';
import type { RegistryChanges, RegistryStore, StoreContext } from '../registry-snapshot.js';
import { TimeSlices } from '../time-slices.js';
import { keepWithin, writeCompacted } from './compaction.js';
import { writeAll } from './fsync.js';
import {
  CLEAR_LINE,
  JOURNAL_HEADER,
  deleteLine,
  parseJournal,
  setLine,
  type JournalRecord,
} from './journal-format.js';
import { legacyRecords } from './legacy.js';
import { acquireLock, type Lock } from './lock-file.js';
import { describeCause, readBounded } from './safe-read.js';

/** Options of `createFileStore`. */
export interface FileStoreOptions {
  /**
   * Largest file, in bytes: a larger one is refused on load, and the store never writes one
   * (past it, it keeps the tools most worth keeping and emits a `warning`). @default 268435456 (256 MiB)
   */
  readonly maxBytes?: number;
  /** Loads without taking the lock and never writes: for a second process that only reads. @default false */
  readonly readOnly?: boolean;
  /** Milliseconds the registry gathers changes into one write. @default 25 */
  readonly writeDelayMs?: number;
}

/** The default `maxBytes` of `createFileStore`: 268435456 bytes (256 MiB). */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
/** The journal is compacted once it is over twice its live size and at least this many bytes. */
const COMPACT_MIN_BYTES = 1024 * 1024;
const OPTIONS = ['maxBytes', 'readOnly', 'writeDelayMs'];

function checkOptions(path: unknown, options: FileStoreOptions): asserts path is string {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError(
      `tripstate: createFileStore needs a file path, got ${JSON.stringify(path) ?? String(path)}`,
    );
  }
  if (typeof options !== 'object' || options === null)
    throw new TypeError('tripstate: createFileStore options must be an object');
  for (const name of Object.keys(options)) {
    if (!OPTIONS.includes(name))
      throw new TypeError(`tripstate: unknown createFileStore option ${JSON.stringify(name)}`);
  }
  const { maxBytes, readOnly, writeDelayMs } = options;
  if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 1024)) {
    throw new RangeError(`tripstate: option maxBytes must be an integer >= 1024, got ${String(maxBytes)}`);
  }
  if (readOnly !== undefined && typeof readOnly !== 'boolean') {
    throw new TypeError(`tripstate: option readOnly must be a boolean, got ${typeof readOnly}`);
  }
  if (
    writeDelayMs !== undefined &&
    !(typeof writeDelayMs === 'number' && writeDelayMs >= 0 && writeDelayMs <= 60_000)
  ) {
    throw new RangeError(
      `tripstate: option writeDelayMs must be in [0, 60000] ms, got ${String(writeDelayMs)}`,
    );
  }
}

/**
 * A registry store in an append-only journal file (Node only; see docs/persistence.md): each
 * batch of changes is one append and one fdatasync, off the event loop; the journal is compacted
 * in chunks when it has grown past twice its live size. `load()` takes the lock file
 * `path + '.lock'` (a `StoreLockedError` when another process holds it), removes temporary files
 * left by a killed process, and reads the file safely; it also reads the one-JSON-document files
 * of earlier versions. Every load failure is a `SnapshotError` naming the path and the cause.
 */
export function createFileStore(path: string, options: FileStoreOptions = {}): RegistryStore {
  checkOptions(path, options);
  return new JournalFileStore(
    path,
    options.maxBytes ?? DEFAULT_MAX_BYTES,
    options.readOnly ?? false,
    options.writeDelayMs ?? 25,
  );
}

class JournalFileStore implements RegistryStore {
  readonly writeDelayMs: number;
  readonly #path: string;
  readonly #maxBytes: number;
  readonly #readOnly: boolean;
  #lock: Lock | undefined;
  #records = new Map<string, JournalRecord>();
  /** Bytes of the records plus the header: what a compaction would write. */
  #liveBytes = JOURNAL_HEADER.length;
  #handle: FileHandle | undefined;
  /** Bytes of whole lines in the journal, and of the file (more after a torn last line). */
  #size = 0;
  #fileBytes = 0;
  /** The next write compacts: no journal yet, or one of an earlier version, invalid, or after a failed append. */
  #rewrite = true;
  #tail: Promise<void> = Promise.resolve();
  #warnedReadOnly = false;
  /** Writes queued or in flight. */
  #writes = 0;

  constructor(path: string, maxBytes: number, readOnly: boolean, writeDelayMs: number) {
    this.#path = path;
    this.#maxBytes = maxBytes;
    this.#readOnly = readOnly;
    this.writeDelayMs = writeDelayMs;
  }

  load(): unknown {
    if (!this.#readOnly) {
      this.#takeLock();
      this.#removeTemporaries();
    }
    const buffer = readBounded(this.#path, this.#maxBytes);
    if (buffer === undefined) return undefined;
    this.#fileBytes = buffer.length;
    if (buffer.subarray(0, JOURNAL_HEADER.length).toString() === JOURNAL_HEADER) {
      const { records, snapshot, validBytes } = parseJournal(this.#path, buffer);
      this.#adopt(records);
      this.#size = validBytes;
      this.#rewrite = false;
      return snapshot;
    }
    let value: unknown;
    try {
      value = JSON.parse(buffer.toString('utf8'));
    } catch (error) {
      throw new SnapshotError('', `${this.#path} is not valid JSON (${(error as Error).message})`);
    }
    this.#adopt(legacyRecords(value));
    return value;
  }

  write(changes: RegistryChanges, context: StoreContext): Promise<void> {
    if (this.#readOnly) {
      if (!this.#warnedReadOnly)
        context.warn(`tripstate: ${this.#path} is open read-only: changes are not saved`);
      this.#warnedReadOnly = true;
      return Promise.resolve();
    }
    this.#writes++;
    const run = this.#tail.then(() => this.#apply(changes, context)).finally(() => void this.#writes--);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Releases the lock once the writes are done (at once when none is pending: a retry may follow). */
  close(): Promise<void> | undefined {
    if (this.#writes === 0 && this.#handle === undefined) return void this.#release();
    return this.#tail.then(async () => {
      await this.#handle?.close();
      this.#handle = undefined;
      this.#release();
    });
  }

  #release(): void {
    this.#lock?.release();
    this.#lock = undefined;
  }

  #adopt(records: Map<string, JournalRecord>): void {
    this.#records = records;
    this.#liveBytes = JOURNAL_HEADER.length;
    for (const record of records.values()) this.#liveBytes += record.bytes;
  }

  #takeLock(): void {
    if (this.#lock !== undefined) return;
    try {
      try {
        mkdirSync(dirname(this.#path), { recursive: true });
      } catch (error) {
        // EEXIST for a file in the way: taking the lock below names the real cause (ENOTDIR)
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      this.#lock = acquireLock(`${this.#path}.lock`);
    } catch (error) {
      if (isStoreLockedError(error)) throw error;
      throw new SnapshotError('', `${this.#path}.lock cannot be taken (${describeCause(error)})`, {
        cause: error,
      });
    }
  }

  /** Temporary files of compactions that a killed process left (ours are `<name>.<pid>.<id>.tmp`). */
  #removeTemporaries(): void {
    const folder = dirname(this.#path);
    const name = basename(this.#path);
    for (const file of readdirSync(folder)) {
      if (file.startsWith(`${name}.`) && /^\.\d+\.[0-9a-f-]+\.tmp$/.test(file.slice(name.length))) {
        rmSync(join(folder, file), { force: true });
      }
    }
  }

  async #apply(changes: RegistryChanges, context: StoreContext): Promise<void> {
    this.#takeLock();
    const lines: string[] = [];
    let bytes = 0;
    if (changes.cleared) {
      this.#adopt(new Map());
      lines.push(CLEAR_LINE);
      bytes += CLEAR_LINE.length;
    }
    const slices = new TimeSlices(); // about 2 ms of encoding between two turns of the event loop
    for (const [tool, state] of changes.tools) {
      if (slices.spent()) await slices.next();
      const old = this.#records.get(tool);
      if (old !== undefined) {
        this.#records.delete(tool);
        this.#liveBytes -= old.bytes;
      }
      if (state === null) {
        const line = deleteLine(tool);
        lines.push(line);
        bytes += Buffer.byteLength(line);
      } else {
        const record = setLine(tool, state);
        this.#records.set(tool, record);
        this.#liveBytes += record.bytes;
        lines.push(record.line);
        bytes += record.bytes;
      }
    }
    const grown = this.#size > 2 * this.#liveBytes && this.#size > COMPACT_MIN_BYTES;
    if (this.#rewrite || grown || this.#size + bytes > this.#maxBytes) await this.#compact(context);
    else if (bytes > 0) await this.#append(Buffer.from(lines.join('')));
  }

  async #compact(context: StoreContext): Promise<void> {
    const count = this.#records.size;
    const { bytes, dropped } = keepWithin(this.#records, this.#maxBytes);
    this.#liveBytes = bytes;
    if (dropped > 0) {
      context.warn(
        `tripstate: ${count} tools would take ${this.#path} over maxBytes (${this.#maxBytes}): kept the ${count - dropped} most worth keeping (isolated, open, half-open, failing first), dropped ${dropped}`,
      );
    }
    await this.#handle?.close();
    this.#handle = undefined;
    this.#rewrite = true;
    this.#size = this.#fileBytes = await writeCompacted(this.#path, this.#records);
    this.#rewrite = false;
  }

  async #append(data: Buffer): Promise<void> {
    try {
      const handle = (this.#handle ??= await open(this.#path, 'r+'));
      if (this.#fileBytes > this.#size) {
        await handle.truncate(this.#size); // a torn last line, never acknowledged
        this.#fileBytes = this.#size;
      }
      await writeAll(handle, data, this.#size);
      await handle.datasync();
      this.#size = this.#fileBytes = this.#size + data.length;
    } catch (error) {
      this.#rewrite = true; // whatever half of it reached the file, the next write replaces the file
      throw error;
    }
  }
}
