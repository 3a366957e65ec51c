import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { syncFolder, writeAll } from './fsync.js';
import { JOURNAL_HEADER, type JournalRecord } from './journal-format.js';

/** Records written per chunk: a few milliseconds of work between two turns of the event loop. */
const CHUNK_RECORDS = 2_048;

/** The prefix and suffix of the temporary files of the journal at `path` (removed on start). */
export function temporaryName(path: string): { readonly prefix: string; readonly suffix: string } {
  return { prefix: `${basename(path)}.`, suffix: '.tmp' };
}

/** What a compaction kept within `maxBytes`, and how many tools it dropped. */
export interface Kept {
  readonly bytes: number;
  readonly dropped: number;
}

/**
 * Keeps the records that fit in `maxBytes` with the header, the most worth keeping first
 * (isolated, open, half-open, failing, then the rest); the others are deleted from `records`.
 */
export function keepWithin(records: Map<string, JournalRecord>, maxBytes: number): Kept {
  let bytes = JOURNAL_HEADER.length;
  for (const record of records.values()) bytes += record.bytes;
  if (bytes <= maxBytes) return { bytes, dropped: 0 };
  const ranked = [...records].sort((a, b) => a[1].rank - b[1].rank);
  bytes = JOURNAL_HEADER.length;
  let dropped = 0;
  for (const [tool, record] of ranked) {
    if (bytes + record.bytes <= maxBytes) bytes += record.bytes;
    else {
      records.delete(tool);
      dropped++;
    }
  }
  return { bytes, dropped };
}

/**
 * Writes the header and `records` to a temporary file beside `path` in chunks (the event loop
 * turns between them), fsyncs it, renames it over `path` and fsyncs the folder: afterwards the
 * new file is durable, and until the rename the old one is whole.
 */
export async function writeCompacted(
  path: string,
  records: ReadonlyMap<string, JournalRecord>,
): Promise<number> {
  const { prefix, suffix } = temporaryName(path);
  const temporary = `${dirname(path)}/${prefix}${process.pid}.${randomUUID()}${suffix}`;
  const handle = await open(temporary, 'wx');
  let position = 0;
  try {
    try {
      const header = Buffer.from(JOURNAL_HEADER);
      await writeAll(handle, header, 0);
      position = header.length;
      let lines: string[] = [];
      for (const record of records.values()) {
        lines.push(record.line);
        if (lines.length < CHUNK_RECORDS) continue;
        position += await writeChunk(handle, lines, position);
        lines = [];
      }
      if (lines.length > 0) position += await writeChunk(handle, lines, position);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(dirname(path));
  return position;
}

async function writeChunk(
  handle: Parameters<typeof writeAll>[0],
  lines: string[],
  position: number,
): Promise<number> {
  const chunk = Buffer.from(lines.join(''));
  await writeAll(handle, chunk, position);
  return chunk.length;
}
