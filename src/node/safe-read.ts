import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { SnapshotError } from '../errors.js';

/** The error's code and message, for a `SnapshotError` naming the cause. */
export function describeCause(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`;
}

function kind(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a whole file of at most `maxBytes`, checking before it reads: opened without blocking
 * (a FIFO cannot hang it), then `fstat` (a regular file, within the limit), then read into one
 * buffer of the size `fstat` gave (bytes appended meanwhile are not read). Undefined when the
 * file does not exist; every other failure is a `SnapshotError` naming the path and the cause.
 */
export function readBounded(path: string, maxBytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SnapshotError('', `${path} cannot be opened (${describeCause(error)})`, { cause: error });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new SnapshotError('', `${path} is ${kind(stats)}, not a regular file`);
    if (stats.size > maxBytes) {
      throw new SnapshotError('', `${path} is ${stats.size} bytes, over the ${maxBytes} limit (maxBytes)`);
    }
    const buffer = Buffer.allocUnsafe(stats.size);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, length);
      if (read === 0) break;
      length += read;
    }
    return length === buffer.length ? buffer : buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    throw new SnapshotError('', `${path} cannot be read (${describeCause(error)})`, { cause: error });
  } finally {
    closeSync(fd);
  }
}
