import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { UsageError, type CliIo, type Command } from '../cli/command.js';
import { startDemo } from './demo.js';
import { serveDashboard } from './serve.js';

const DEFAULT_PORT = 4321;
const MAX_TOOLS = 100_000;

const usage = `Usage: tripstate dashboard [--port <n>] [--host <addr>] [--controls] [--tools <n>]

Serves the live dashboard of a demo registry whose simulated tools fail, open, probe and
recover, until Ctrl-C.

  --port <n>     TCP port, 0..65535 in decimal (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <addr>  interface to bind: an IP address or a host name (default 127.0.0.1)
  --controls     enable the reset and isolate/release buttons
  --tools <n>    add n more simulated tools, 0..${MAX_TOOLS} (default 0)

Exit codes: 0 stopped by SIGINT or SIGTERM, 1 the server cannot start, 2 bad flags.`;

interface Flags {
  readonly port: number;
  readonly host: string;
  readonly controls: boolean;
  readonly tools: number;
  readonly help: boolean;
}

/** A decimal integer in `0..max` (no sign, exponent, hex or blank), or a `UsageError`. */
function decimal(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n <= max)) throw new UsageError(`--${flag} must be a decimal integer in 0..${max}, got "${value}"`);
  return n;
}

/** An IP address (IPv6 bare or in brackets) or a DNS host name, or a `UsageError`. */
function hostFlag(value: string | undefined): string {
  if (value === undefined) return '127.0.0.1';
  const bare = /^\[(.*)\]$/.exec(value)?.[1] ?? value;
  const label = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
  const hostName = new RegExp(`^${label}(?:\\.${label})*\\.?$`);
  if (isIP(bare) !== 0 || (bare === value && value.length <= 253 && hostName.test(value))) return bare;
  throw new UsageError(`--host must be an IP address or a host name, got "${value}"`);
}

function parse(args: readonly string[]): Flags {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        controls: { type: 'boolean', default: false },
        tools: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return {
    port: decimal('port', values.port, DEFAULT_PORT, 65_535),
    host: hostFlag(values.host),
    controls: values.controls,
    tools: decimal('tools', values.tools, 0, MAX_TOOLS),
    help: values.help,
  };
}

/**
 * Serves the dashboard of a demo registry with simulated failing tools until SIGINT or SIGTERM.
 * Resolves to the exit code: 0 after a clean stop, 1 when the server cannot start; throws a
 * `UsageError` (exit code 2) for bad flags, before starting anything.
 */
async function run(args: readonly string[], io: CliIo): Promise<number> {
  const flags = parse(args);
  if (flags.help) {
    io.stdout(`${usage}\n`);
    return 0;
  }
  const demo = startDemo(flags.tools);
  let dashboard;
  try {
    dashboard = await serveDashboard(demo.registry, {
      port: flags.port,
      host: flags.host,
      controls: flags.controls,
    });
  } catch (error) {
    demo.stop();
    io.stderr(`tripstate dashboard: cannot serve: ${(error as Error).message}\n`);
    return 1;
  }
  io.stdout(`tripstate dashboard: ${dashboard.url} (Ctrl-C to stop)\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (name: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(name);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  io.stdout(`\ntripstate dashboard: ${signal}, stopping\n`);
  await dashboard.close();
  demo.stop();
  return 0;
}

/** `npx tripstate dashboard`: the live dashboard of a demo registry, for trying it out. */
export const dashboardCommand: Command = {
  summary: 'serve the live dashboard of a demo registry whose simulated tools fail and recover',
  usage,
  run,
};
