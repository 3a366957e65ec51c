import type { Command } from './command.js';
import { diagramCommand } from './diagram.js';
import { dashboardCommand } from '../dashboard/cli.js';

/** The CLI's subcommands, by name. Add one by adding a line. */
export const commands: Readonly<Record<string, Command>> = {
  diagram: diagramCommand,
  dashboard: {
    summary: 'serve the live dashboard of a demo registry whose simulated tools fail and recover',
    usage: 'tripstate dashboard [--port <n>] [--host <addr>] [--controls] [--tools <n>]',
    run: (args) => dashboardCommand([...args]),
  },
};
