import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DIAGRAM_MACHINES,
  isDiagramMachineName,
  diagramMachines,
  readDiagramBlocks,
  toDot,
  toMermaid,
  writeDiagramBlocks,
} from '../diagram/index.js';
import { UsageError, type CliIo, type Command } from './command.js';

const FORMATS = ['mermaid', 'dot'] as const;
const DEFAULT_DOCS = 'docs/statechart.md';

const usage = `Usage: tripstate diagram [--machine ${DIAGRAM_MACHINES.join('|')}] [--format ${FORMATS.join('|')}]
       tripstate diagram --write-docs [--docs <file>]...  regenerate the diagrams embedded in each <file>
       tripstate diagram --check [--docs <file>]...       exit 1 when an embedded diagram is out of date

  --machine  the statechart to draw (default: breaker)
  --format   mermaid (stateDiagram-v2) or dot (Graphviz) (default: mermaid)
  --docs     a Markdown file with <!-- generated-diagram NAME --> blocks; repeat it for several
             (default: ${DEFAULT_DOCS}; the README embeds one too: --docs ${DEFAULT_DOCS} --docs README.md)

Exit codes: 0 done, 1 out of date (--check) or no diagram block in the file,
            2 bad flags, or a file that cannot be read or written.`;

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        machine: { type: 'string', default: 'breaker' },
        format: { type: 'string', default: 'mermaid' },
        'write-docs': { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
        docs: { type: 'string', multiple: true, default: [DEFAULT_DOCS] },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function renderNamed(name: string): string {
  if (!isDiagramMachineName(name)) throw new UsageError(`unknown machine in the docs: ${name}`);
  return toMermaid(diagramMachines[name]);
}

/** Why a file operation failed, in words: `no such file or directory`, not the whole stack. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /^[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message;
}

/** Rewrites (or, with `check`, compares) the diagrams embedded in a Markdown file. */
async function syncDocs(file: string, check: boolean, io: CliIo): Promise<number> {
  let markdown: string;
  try {
    markdown = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    io.stderr(`tripstate diagram: cannot read ${file}: ${reason(error)}\n`);
    return 2;
  }
  const names = [...readDiagramBlocks(markdown).keys()];
  if (names.length === 0) {
    io.stderr(`tripstate diagram: no <!-- generated-diagram NAME --> block in ${file}\n`);
    return 1;
  }
  const rendered = new Map(names.map((n) => [n, renderNamed(n)] as const));
  const updated = writeDiagramBlocks(markdown, (name) => rendered.get(name) ?? '');
  if (check) {
    if (updated === markdown) return 0;
    io.stderr(
      `tripstate diagram: ${file} is out of date; run: tripstate diagram --write-docs --docs ${file}\n`,
    );
    return 1;
  }
  if (updated !== markdown) {
    try {
      await writeFile(resolve(io.cwd, file), updated);
    } catch (error) {
      io.stderr(`tripstate diagram: cannot write ${file}: ${reason(error)}\n`);
      return 2;
    }
  }
  io.stdout(`${updated === markdown ? 'up to date' : 'updated'}: ${file} (${names.join(', ')})\n`);
  return 0;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const flags = parse(args);
  if (flags.help) {
    io.stdout(`${usage}\n`);
    return 0;
  }
  const { machine, format } = flags;
  if (!isDiagramMachineName(machine)) {
    throw new UsageError(`--machine must be one of ${DIAGRAM_MACHINES.join(', ')}; got "${machine}"`);
  }
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got "${format}"`);
  }
  if (flags['write-docs'] || flags.check) {
    if (flags['write-docs'] && flags.check)
      throw new UsageError('--write-docs and --check exclude each other');
    if (args.some((a) => /^--(machine|format)\b/.test(a))) {
      throw new UsageError('--machine and --format do not apply to --write-docs / --check');
    }
    if (!args.some((a) => /^--docs\b/.test(a)) && !existsSync(resolve(io.cwd, DEFAULT_DOCS))) {
      io.stderr(
        `tripstate diagram: there is no ${DEFAULT_DOCS} here to ${flags.check ? 'check' : 'rewrite'}. ` +
          'Name your Markdown file with --docs <file>; put <!-- generated-diagram breaker --> and ' +
          '<!-- /generated-diagram --> lines where the diagram goes.\n',
      );
      return 2;
    }
    let code = 0;
    for (const file of flags.docs) code = Math.max(code, await syncDocs(file, flags.check, io));
    return code;
  }
  if (args.some((a) => /^--docs\b/.test(a))) {
    throw new UsageError('--docs applies only to --write-docs / --check');
  }
  const chosen = diagramMachines[machine];
  io.stdout(format === 'dot' ? toDot(chosen) : toMermaid(chosen));
  return 0;
}

/** `tripstate diagram`: prints a statechart as Mermaid or Graphviz dot, or refreshes the docs. */
export const diagramCommand: Command = {
  summary: 'print a statechart as a Mermaid or Graphviz diagram (or refresh the docs)',
  usage,
  run,
};
