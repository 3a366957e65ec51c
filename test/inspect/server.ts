import { WebSocketServer } from 'ws';

/** A message of the Stately inspection protocol, as the inspector receives it. */
export interface InspectionMessage {
  readonly type: string;
  readonly name?: string;
  readonly sessionId: string;
  readonly parentId?: string;
  readonly definition?: string;
  readonly event?: { readonly type: string };
  readonly snapshot?: { readonly value?: unknown };
}

/** A WebSocket server on 127.0.0.1 (a free port) that records what inspectors send it. */
export async function startInspectionServer() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const messages: InspectionMessage[] = [];
  const waiters = new Set<() => void>();
  server.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      messages.push(JSON.parse(data.toString('utf8')) as InspectionMessage);
      for (const wake of waiters) wake();
    });
  });
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    messages,
    /** Resolves once a received message satisfies `predicate`. */
    waitFor(predicate: (message: InspectionMessage) => boolean): Promise<InspectionMessage> {
      return new Promise((resolve) => {
        const check = () => {
          const found = messages.find(predicate);
          if (found === undefined) return;
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
