import type { SnapshotMessage, UpdateMessage } from '../../src/dashboard/feed.js';

/** One server-sent event of the dashboard. */
export type SseEvent =
  | { readonly event: 'snapshot'; readonly data: SnapshotMessage }
  | { readonly event: 'update'; readonly data: UpdateMessage };

/** A test client of the dashboard's event stream: reads `/events` and hands out parsed events. */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly #controller = new AbortController();
  readonly #waiters = new Set<() => void>();
  /** Resolves once the server ends the stream. */
  readonly ended: Promise<void>;

  constructor(url: string) {
    this.ended = this.#read(url);
    this.ended.catch(() => undefined);
  }

  /** The first event (already received or still to come) that satisfies `match`. */
  async next(match: (event: SseEvent) => boolean, timeoutMs = 5_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(done);
      });
    }
  }

  close(): void {
    this.#controller.abort();
  }

  async #read(url: string): Promise<void> {
    const res = await fetch(new URL('events', url), { signal: this.#controller.signal });
    if (!res.ok || res.body === null) throw new Error(`GET /events: ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = res.body.getReader();
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffer += decoder.decode(chunk.value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.#parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (error) {
      if (!this.#controller.signal.aborted) throw error;
    } finally {
      this.#wake();
    }
  }

  #parse(block: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    this.events.push({ event, data: JSON.parse(data.join('\n')) } as SseEvent);
    this.#wake();
  }

  #wake(): void {
    for (const waiter of this.#waiters) waiter();
    this.#waiters.clear();
  }
}
