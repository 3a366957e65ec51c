import type { ServerResponse } from 'node:http';
import type { Registry, RegistryEventMap } from '../registry.js';
import { describeEvent, type LogEntry } from './log.js';
import { rowChanged, toRow, type ToolRow } from './rows.js';

/** What a new page receives first over the event stream. */
export interface SnapshotMessage {
  /** The registry's clock (`registry.now()`, milliseconds) when the message was sent. */
  readonly now: number;
  readonly rows: readonly ToolRow[];
  readonly log: readonly LogEntry[];
}

/**
 * What the page receives at most once per interval: changed rows, removed tools, new log lines;
 * and at least once per poll, so the page follows the registry's clock (its countdowns are set
 * again from each message's `now`).
 */
export interface UpdateMessage {
  /** The registry's clock (`registry.now()`, milliseconds) when the message was sent. */
  readonly now: number;
  readonly rows: readonly ToolRow[];
  readonly removed: readonly string[];
  readonly log: readonly LogEntry[];
}

/** Timing of the feed, in milliseconds. */
export interface FeedTiming {
  /** Shortest time between two updates (coalescing window). */
  readonly intervalMs: number;
  /** How often every tool is re-read, for counters that change without an event. */
  readonly pollMs: number;
}

const WATCHED = [
  'opened',
  'halfOpened',
  'closed',
  'isolated',
  'recoveryPause',
  'recoveryResumed',
  'evicted',
] as const satisfies readonly (keyof RegistryEventMap)[];
const LOG_HISTORY = 200;
const LOG_PER_UPDATE = 100;
const HEARTBEAT_POLLS = 15;
/** A client that has this much unsent output is too slow to follow and is dropped. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

interface Sent {
  readonly row: ToolRow;
  /** The registry's clock when the row was read. */
  readonly at: number;
}

/**
 * Follows a registry and streams it to pages as server-sent events. Events only mark tools dirty;
 * one update per `intervalMs` at most carries every change, so a storm of 1,000 openings costs
 * the pages one message. Times are the registry's (`registry.now()`), as in its events and
 * diagnostics, so the page shows the clock its breakers run on; only the pacing of the
 * messages is in real time.
 */
export class DashboardFeed {
  readonly #registry: Registry;
  readonly #timing: FeedTiming;
  readonly #clients = new Set<ServerResponse>();
  readonly #sent = new Map<string, Sent>();
  readonly #dirty = new Set<string>();
  readonly #evicted = new Set<string>();
  readonly #history: LogEntry[] = [];
  #pendingLog: LogEntry[] = [];
  #droppedLog = 0;
  #fullRead = false;
  #timer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #polls = 0;
  #lastFlush = 0;
  readonly #unsubscribe: (() => void)[];

  constructor(registry: Registry, timing: FeedTiming) {
    this.#registry = registry;
    this.#timing = timing;
    this.#unsubscribe = WATCHED.map((type) =>
      registry.on(type, (event: RegistryEventMap[typeof type]) => this.#record(event)),
    );
  }

  /** Pages connected now. */
  get clients(): number {
    return this.#clients.size;
  }

  /** Starts streaming to a response whose event-stream headers are written. */
  attach(res: ServerResponse): void {
    this.#flush(true);
    const now = this.#registry.now();
    const rows = [...this.#sent.values()].map(({ row, at }) => countedDown(row, now - at));
    this.#clients.add(res);
    res.on('close', () => this.#detach(res));
    this.#write(res, 'snapshot', { now, rows, log: this.#history } satisfies SnapshotMessage);
    this.#poll ??= setInterval(() => this.#tick(), this.#timing.pollMs).unref();
  }

  /** Ends every stream and stops following the registry. */
  close(): void {
    for (const off of this.#unsubscribe) off();
    clearTimeout(this.#timer);
    clearInterval(this.#poll);
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  /** Marks a tool for an early update (the page's own controls use this). */
  touch(tool: string): void {
    this.#dirty.add(tool);
    this.#schedule();
  }

  #record(event: RegistryEventMap[(typeof WATCHED)[number]]): void {
    const entry = describeEvent(event, this.#registry.now());
    if (this.#pendingLog.length < LOG_PER_UPDATE) this.#pendingLog.push(entry);
    else this.#droppedLog++;
    if ('tool' in event) {
      if (event.type === 'evicted') this.#evicted.add(event.tool);
      else this.#evicted.delete(event.tool);
      this.#dirty.add(event.tool);
    }
    this.#schedule();
  }

  #tick(): void {
    if (++this.#polls % HEARTBEAT_POLLS === 0) for (const res of this.#clients) res.write(': ping\n\n');
    this.#fullRead = true;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#lastFlush + this.#timing.intervalMs - Date.now());
    this.#timer = setTimeout(() => this.#flush(this.#fullRead), wait).unref();
  }

  #flush(full: boolean): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#fullRead = false;
    this.#lastFlush = Date.now();
    const log = this.#takeLog();
    const { rows, removed } = full ? this.#readAll() : this.#readDirty();
    this.#dirty.clear();
    this.#evicted.clear();
    // A full read (once per poll) is sent even when nothing changed: it carries the clock.
    if (!full && rows.length === 0 && removed.length === 0 && log.length === 0) return;
    const message: UpdateMessage = { now: this.#registry.now(), rows, removed, log };
    for (const res of this.#clients) this.#write(res, 'update', message);
  }

  #takeLog(): LogEntry[] {
    const log = this.#pendingLog;
    if (this.#droppedLog > 0) {
      log.push({
        at: this.#registry.now(),
        type: 'dropped',
        tool: null,
        detail: `${this.#droppedLog} more events`,
      });
    }
    this.#pendingLog = [];
    this.#droppedLog = 0;
    this.#history.push(...log);
    if (this.#history.length > LOG_HISTORY) this.#history.splice(0, this.#history.length - LOG_HISTORY);
    return log;
  }

  #readAll(): { rows: ToolRow[]; removed: string[] } {
    const seen = new Set<string>();
    const rows: ToolRow[] = [];
    for (const d of this.#registry.snapshot().diagnostics) {
      seen.add(d.tool);
      this.#offer(toRow(d), rows);
    }
    const removed = [...this.#sent.keys()].filter((tool) => !seen.has(tool));
    for (const tool of removed) this.#sent.delete(tool);
    return { rows, removed };
  }

  #readDirty(): { rows: ToolRow[]; removed: string[] } {
    const rows: ToolRow[] = [];
    const removed: string[] = [];
    for (const tool of this.#dirty) {
      if (this.#evicted.has(tool)) {
        if (this.#sent.delete(tool)) removed.push(tool);
        continue;
      }
      try {
        this.#offer(toRow(this.#registry.diagnostics(tool)), rows);
      } catch {
        // A tool the registry no longer accepts has nothing to show.
      }
    }
    return { rows, removed };
  }

  #offer(row: ToolRow, rows: ToolRow[]): void {
    const now = this.#registry.now();
    const sent = this.#sent.get(row.tool);
    if (!rowChanged(sent?.row, row, sent === undefined ? 0 : now - sent.at)) return;
    this.#sent.set(row.tool, { row, at: now });
    rows.push(row);
  }

  #write(res: ServerResponse, event: string, data: SnapshotMessage | UpdateMessage): void {
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      return;
    }
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  #detach(res: ServerResponse): void {
    this.#clients.delete(res);
    if (this.#clients.size > 0) return;
    clearInterval(this.#poll);
    this.#poll = undefined;
  }
}

function countedDown(row: ToolRow, elapsedMs: number): ToolRow {
  if (row.remainingBackoffMs === null) return row;
  return { ...row, remainingBackoffMs: Math.max(0, row.remainingBackoffMs - elapsedMs) };
}
