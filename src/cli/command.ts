/** Where a command writes and which directory relative paths start from. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

/** A subcommand of the `tripstate` CLI. */
export interface Command {
  /** One line for the CLI's help. */
  readonly summary: string;
  /** Usage text of the subcommand (`tripstate <name> …`). */
  readonly usage: string;
  /** Runs the subcommand; resolves to the process exit code (0 ok, 1 failed, 2 bad usage). */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Thrown for bad flags; the CLI prints the message with the usage and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
