import { commands } from './commands.js';
import { UsageError, type CliIo } from './command.js';
import { nearestName } from '../option-checks.js';
import { packageVersion } from './version.js';

function help(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: tripstate <command> [flags]\n       tripstate --version\n\nCommands:\n${lines.join('\n')}\n\nRun \`tripstate <command> --help\` for a command's flags.\n`;
}

/**
 * Runs the `tripstate` CLI with `argv` (without `node` and the script); resolves to the
 * exit code: 0 done, 1 failed, 2 bad usage (the message and the usage go to stderr).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    const near = nearestName(name, Object.keys(commands));
    io.stderr(
      `tripstate: unknown command "${name}"${near === undefined ? '' : ` (did you mean ${near}?)`}\n\n${help()}`,
    );
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`tripstate ${name}: ${error.message}\n\n${command.usage}\n`);
    return 2;
  }
}
