import { connect as netConnect, isIP, type NetConnectOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

/** What `ws` passes to `createConnection`: the request's host, port and TLS options. */
type WsConnectOptions = ConnectionOptions & { readonly socketPath?: string };

/** True for the URL schemes on which `ws` speaks TLS (`wss:`, `https:`). */
export function isSecureUrl(url: string): boolean {
  const { protocol } = new URL(url);
  return protocol === 'wss:' || protocol === 'https:';
}

/**
 * The `createConnection` for `ws` to use for `url`: TLS (`tls.connect`) for `wss:` and `https:`,
 * TCP (or a Unix socket for `ws+unix:`) otherwise, as `ws` itself chooses, except that the
 * socket is unref'd so that it never keeps the process alive.
 */
export function unrefConnector(url: string): (options: WsConnectOptions) => Socket {
  if (!isSecureUrl(url)) {
    // As ws's own netConnect: `path` is the Unix socket of a `ws+unix:` URL, else unset.
    return (options) => netConnect({ ...options, path: options.socketPath } as NetConnectOpts).unref();
  }
  return (options) => {
    // As ws's own tlsConnect: the SNI server name is the host name, never an IP address.
    const { host } = options;
    const servername = options.servername ?? (host === undefined || isIP(host) !== 0 ? '' : host);
    return tlsConnect({ ...options, path: undefined, servername }).unref();
  };
}
