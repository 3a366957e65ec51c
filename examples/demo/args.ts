/**
 * The demo's command line: `--dashboard`, `--seed N`, `--fast`, `--help`. A bad flag is a
 * one-line message and exit code 2, never a stack.
 */
import { parseArgs } from 'node:util';
import { nearestName } from '../../src/option-checks.js';

export const DEMO_USAGE = `Usage: npm run demo -- [--dashboard] [--seed N] [--fast]

  --dashboard  also serve the live dashboard on 127.0.0.1; it stays up after the session until Ctrl-C
  --seed N     another session (a whole number; default 7)
  --fast       no pacing of the live view on a terminal
  --help       this text`;

const FLAGS = ['dashboard', 'seed', 'fast', 'help'];

/** What the demo was asked to do, or the message and exit code to stop with. */
export type DemoArgs =
  | { readonly kind: 'run'; readonly dashboard: boolean; readonly seed: number; readonly fast: boolean }
  | { readonly kind: 'exit'; readonly code: 0 | 2; readonly message: string };

/** Parses the demo's flags (without `node` and the script). */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        dashboard: { type: 'boolean', default: false },
        seed: { type: 'string', default: '7' },
        fast: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    return { kind: 'exit', code: 2, message: `demo: ${describe(error)}\n\n${DEMO_USAGE}` };
  }
  if (values.help) return { kind: 'exit', code: 0, message: DEMO_USAGE };
  const seed = Number(values.seed);
  if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(seed)) {
    return {
      kind: 'exit',
      code: 2,
      message: `demo: --seed must be a whole number, got ${JSON.stringify(values.seed)}`,
    };
  }
  return { kind: 'run', dashboard: values.dashboard, seed, fast: values.fast };
}

/** parseArgs's error in one line, with the flag meant when a typo is close to one. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(message);
  if (unknown === null) return message.split('\n')[0] ?? message;
  const flag = unknown[2] ?? '';
  const near = nearestName(flag, FLAGS);
  return `unknown option ${unknown[1]}${flag}${near === undefined ? '' : ` (did you mean --${near}?)`}`;
}
