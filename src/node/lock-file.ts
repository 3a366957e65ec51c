import { randomUUID } from 'node:crypto';
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { StoreLockedError, type StoreLockOwner } from '../errors.js';

/** Milliseconds after which a lock file that holds no owner (its writer died at once) is stale. */
const UNWRITTEN_LOCK_MS = 5_000;

/** Lock files held by this process, by absolute path: its own pid is then no sign of staleness. */
const held = new Set<string>();

interface LockContent extends StoreLockOwner {
  readonly token: string;
}

function readOwner(path: string): { text: string; owner: LockContent | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockContent>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') {
      return { text, owner: value as LockContent };
    }
  } catch {
    // an owner cut short: judged by age below
  }
  return { text, owner: undefined };
}

/** Why the owner still holds the lock, or undefined when it is gone. */
function liveness(path: string, owner: LockContent | undefined): string | undefined {
  if (owner === undefined) {
    const age = Date.now() - statSync(path).mtimeMs;
    return age > UNWRITTEN_LOCK_MS ? undefined : 'its owner is writing it';
  }
  if (owner.host !== hostname()) return 'on another host, whose processes cannot be checked from here';
  if (owner.pid === process.pid) return held.has(path) ? 'by another store in this process' : undefined;
  try {
    process.kill(owner.pid, 0);
    return 'that process is running';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? undefined : 'that process is running';
  }
}

/** A held lock file; `release()` removes it if it is still ours. */
export interface Lock {
  release(): void;
}

/**
 * Takes the lock file at `path` (created exclusively, holding pid, host and a random token).
 * One held by a process that is gone (on this host) is taken over: moved aside atomically, and
 * put back if what was moved turns out to be a live one. Throws `StoreLockedError` otherwise.
 */
export function acquireLock(lockPath: string): Lock {
  const path = resolve(lockPath);
  const content: LockContent = { pid: process.pid, host: hostname(), token: randomUUID() };
  const text = JSON.stringify(content);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      held.add(path);
      return { release: () => release(path, text) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const found = readOwner(path);
    if (found === undefined) continue;
    const reason = liveness(path, found.owner);
    if (reason !== undefined) throw new StoreLockedError(path, found.owner, reason);
    const aside = `${path}.${process.pid}.${content.token}.stale`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const moved = readOwner(aside);
    if (moved?.text !== found.text) {
      // Another process took the stale lock over first and we moved its fresh one: give it back.
      try {
        linkSync(aside, path);
      } finally {
        unlinkSync(aside);
      }
      throw new StoreLockedError(path, moved?.owner, 'it was just taken over by another process');
    }
    unlinkSync(aside);
  }
  throw new StoreLockedError(path, undefined, 'it kept changing while being taken over');
}

function release(path: string, text: string): void {
  held.delete(path);
  try {
    if (readFileSync(path, 'utf8') === text) unlinkSync(path);
  } catch {
    // already gone
  }
}
