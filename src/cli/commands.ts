import type { Command } from './command.js';
import { diagramCommand } from './diagram.js';
import { dashboardCommand } from '../dashboard/cli.js';

/** The CLI's subcommands, by name. Add one by adding a line. */
export const commands: Readonly<Record<string, Command>> = {
  diagram: diagramCommand,
  dashboard: dashboardCommand,
};
