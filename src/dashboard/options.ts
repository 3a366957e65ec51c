import { checkOptionNames } from '../option-checks.js';

/** Options of `serveDashboard`. */
export interface DashboardOptions {
  /** TCP port; 0 picks a free one (read it from the handle's `url`). @default 0 */
  readonly port?: number;
  /** Interface to bind. Anything but loopback exposes the registry to the network. @default '127.0.0.1' */
  readonly host?: string;
  /** Enables the reset and isolate/release buttons and their POST endpoints. @default false */
  readonly controls?: boolean;
}

/** A running dashboard. */
export interface DashboardHandle {
  /** The page's address, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** Ends every event stream and stops the server; the registry is left running. */
  close(): Promise<void>;
}

export interface ResolvedDashboardOptions {
  readonly port: number;
  readonly host: string;
  readonly controls: boolean;
}

const DASHBOARD_OPTIONS: readonly (keyof DashboardOptions)[] = ['port', 'host', 'controls'];

/** Validates dashboard options and fills in the defaults; throws a `RangeError` naming a bad value. */
export function resolveDashboardOptions(options: DashboardOptions = {}): ResolvedDashboardOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`tripstate: dashboard options must be an object, got ${String(options)}`);
  }
  checkOptionNames('dashboard option', options, DASHBOARD_OPTIONS);
  const { port = 0, host = '127.0.0.1', controls = false } = options;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`tripstate: option port must be an integer in 0..65535, got ${String(port)}`);
  }
  if (typeof host !== 'string' || host === '') {
    throw new RangeError(`tripstate: option host must be a non-empty string, got ${String(host)}`);
  }
  if (typeof controls !== 'boolean') {
    throw new RangeError(`tripstate: option controls must be a boolean, got ${String(controls)}`);
  }
  return { port, host, controls };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True for a host name or address that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}
