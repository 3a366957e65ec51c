import { startDemo } from './demo.js';
import { serveDashboard } from './serve.js';

const USAGE = `usage: tripstate dashboard [--port <n>] [--host <addr>] [--controls] [--tools <n>]

Serves the live dashboard of a demo registry whose simulated tools fail, open, probe and
recover, until Ctrl-C.

  --port <n>     TCP port (default 4321; 0 picks a free one)
  --host <addr>  interface to bind (default 127.0.0.1)
  --controls     enable the reset and isolate/release buttons
  --tools <n>    add n more simulated tools (default 0)
`;

interface Flags {
  port: number;
  host: string;
  controls: boolean;
  tools: number;
}

function parse(argv: readonly string[]): Flags | string {
  const flags: Flags = { port: 4321, host: '127.0.0.1', controls: false, tools: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--controls') {
      flags.controls = true;
      continue;
    }
    if (arg !== '--port' && arg !== '--host' && arg !== '--tools') return `unknown argument: ${arg}`;
    const value = argv[++i];
    if (value === undefined) return `${arg} needs a value`;
    if (arg === '--host') {
      flags.host = value;
      continue;
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || (arg === '--port' ? n > 65_535 : n > 100_000)) {
      return `${arg} must be an integer in 0..${arg === '--port' ? 65_535 : 100_000}, got ${value}`;
    }
    if (arg === '--port') flags.port = n;
    else flags.tools = n;
  }
  return flags;
}

/**
 * `npx tripstate dashboard`: serves the dashboard of a demo registry with simulated failing tools
 * until SIGINT or SIGTERM. Resolves to the exit code: 0 after a clean stop, 1 when the server
 * cannot start, 2 for bad arguments.
 */
export async function dashboardCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const flags = parse(argv);
  if (typeof flags === 'string') {
    process.stderr.write(`tripstate dashboard: ${flags}\n\n${USAGE}`);
    return 2;
  }
  const demo = startDemo(flags.tools);
  let dashboard;
  try {
    dashboard = await serveDashboard(demo.registry, flags);
  } catch (error) {
    demo.stop();
    process.stderr.write(`tripstate dashboard: cannot serve: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`tripstate dashboard: ${dashboard.url} (Ctrl-C to stop)\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (name: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(name);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stdout.write(`\ntripstate dashboard: ${signal}, stopping\n`);
  await dashboard.close();
  demo.stop();
  return 0;
}
