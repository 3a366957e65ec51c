/**
 * The Stately inspector over WebSocket, for Node processes, in a form that never keeps the
 * process alive.
 *
 * `@statelyai/inspect`'s own `createWebSocketInspector` (0.7) opens an `isomorphic-ws`
 * socket whose `onerror` waits 5 s on a ref'd timer and reconnects, forever: with no
 * inspector listening the process never exits, and `stop()` does not help (it closes the
 * socket, and closing a socket that is still connecting fires `error`, which schedules the
 * next attempt). It also replays every deferred event on each reconnection. This module keeps
 * its event conversion (`createInspector`, so the messages are the ones the inspector reads)
 * and replaces the transport: an unref'd socket (TLS for `wss:`) and retry timer, a bounded
 * queue that is sent once, and a `stop()` that sends what is queued and ends everything.
 */
import type { createConnection, Socket } from 'node:net';
import { createInspector } from '@statelyai/inspect';
import WebSocket from 'ws';
import type { InspectionEvent, Observer } from 'xstate';
import { unrefConnector } from './connect.js';
import { safeJson } from './json.js';

type StatelyOptions = NonNullable<Parameters<typeof createInspector>[1]>;
type StatelyEvent = Parameters<Parameters<typeof createInspector>[0]['send']>[0];

/** Options of {@link createNodeInspector}. */
export interface NodeInspectorOptions extends Pick<
  StatelyOptions,
  'filter' | 'sanitizeContext' | 'sanitizeEvent' | 'serializationDepthLimit'
> {
  /** WebSocket URL of the inspector relay (`@statelyai/inspect/server`). @default 'ws://localhost:8080' */
  readonly url?: string;
  /** Milliseconds between connection attempts while nothing listens. @default 5000 */
  readonly retryMs?: number;
  /** Events kept while not connected; the oldest are dropped beyond this. @default 200 */
  readonly maxDeferredEvents?: number;
  /**
   * Milliseconds `stop()` waits at most to connect, send what is queued and close the socket;
   * the process is kept alive that long at most. A refused connection ends it at once. @default 1000
   */
  readonly stopTimeoutMs?: number;
}

/** A running Node inspector: pass `inspect` to `createBreaker` / `createRegistry`. */
export interface NodeInspector {
  /** The XState inspection observer (`createActor(machine, { inspect })`). */
  readonly inspect: Observer<InspectionEvent>;
  /** True while the socket to the inspector is open. */
  readonly connected: boolean;
  /**
   * Sends what is queued and closes the socket, then stops reconnecting. When not connected
   * yet, it connects first (one attempt) and waits at most `stopTimeoutMs` for that; nothing
   * is sent when the connection is refused or the time runs out. Resolves once the socket is
   * closed. Events after `stop()` are dropped.
   */
  stop(): Promise<void>;
}

/**
 * Connects XState actors to the Stately inspector over WebSocket from Node. Neither the
 * socket nor the reconnection timer keeps the process alive (both are unref'd): a process
 * whose work is done exits whether or not an inspector listens. Node-only.
 *
 * @example
 * ```ts
 * import { createInspectorServer } from '@statelyai/inspect/server';
 * import { createNodeInspector } from 'tripstate/inspect';
 * createInspectorServer(); // relays to https://stately.ai/inspect in a browser
 * const inspector = createNodeInspector({ url: 'ws://localhost:8080' });
 * const breaker = createBreaker({ inspect: inspector.inspect });
 * // ...
 * await inspector.stop();
 * ```
 */
export function createNodeInspector(options: NodeInspectorOptions = {}): NodeInspector {
  const {
    url = 'ws://localhost:8080',
    retryMs = 5_000,
    maxDeferredEvents = 200,
    stopTimeoutMs = 1_000,
    ...rest
  } = options;
  for (const [name, value] of Object.entries({ retryMs, maxDeferredEvents, stopTimeoutMs })) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`tripstate: option ${name} must be an integer >= 0, got ${String(value)}`);
    }
  }
  const connector = unrefConnector(url);
  const depth = options.serializationDepthLimit ?? 10;
  const queue: string[] = [];
  let socket: WebSocket | undefined;
  let transport: Socket | undefined; // the TCP or TLS socket under `socket`
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  let closed: Promise<void> = Promise.resolve();

  const open = (): void => {
    retry = undefined;
    const ws = new WebSocket(url, {
      // ws calls this with an options object; unref'd, the socket never holds the process.
      createConnection: ((opts: Parameters<typeof connector>[0]) =>
        (transport = connector(opts))) as typeof createConnection,
    });
    socket = ws;
    closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('open', () => {
      for (const message of queue.splice(0)) ws.send(message);
    });
    ws.on('error', () => {
      // A refused or dropped connection; 'close' follows and schedules the next attempt.
    });
    ws.on('close', () => {
      if (socket === ws) socket = undefined;
      if (!stopped) retry = setTimeout(open, retryMs).unref();
    });
  };

  const send = (event: StatelyEvent): void => {
    if (stopped) return;
    const message = safeJson(event, depth);
    if (socket?.readyState === WebSocket.OPEN) {
      socket.send(message);
      return;
    }
    queue.push(message);
    if (queue.length > maxDeferredEvents) queue.shift();
  };

  /** Sends the queue (connecting once more if need be) and closes, within `stopTimeoutMs`. */
  const finish = async (): Promise<void> => {
    // The inspector converts events on the next macrotask: let those queued so far go out.
    await new Promise((resolve) => setTimeout(resolve, 0));
    stopped = true;
    clearTimeout(retry);
    if (socket === undefined && queue.length > 0) open();
    const ws = socket;
    if (ws === undefined) return;
    // Until the socket closes or the time is up, the process stays alive to send the queue.
    transport?.ref();
    const deadline = setTimeout(() => ws.terminate(), stopTimeoutMs);
    if (ws.readyState === WebSocket.CONNECTING) ws.once('open', () => ws.close());
    else ws.close();
    await closed;
    clearTimeout(deadline);
    queue.length = 0;
  };

  const inspector = createInspector({ send }, { ...rest, serializationDepthLimit: depth });
  open();

  return {
    inspect: inspector.inspect,
    get connected() {
      return socket?.readyState === WebSocket.OPEN;
    },
    stop: () => (stopping ??= finish()),
  };
}
