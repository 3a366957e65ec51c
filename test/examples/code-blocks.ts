/**
 * The TypeScript code blocks of the Markdown files a user reads (README.md, docs/*.md), as the
 * examples-compile test takes them: every ```ts or ```typescript fence, unless the line just
 * above it (blank lines aside) is a visible `<!-- not compiled: reason -->` marker.
 */

/** One fenced TypeScript block of a Markdown file. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
}

/** A block left out on purpose, with the reason its marker gives. */
export interface SkippedBlock {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

const OPEN = /^```(?:ts|typescript)\b/;
const MARKER = /^<!--\s*not compiled:\s*(.*?)\s*-->$/;

/** Splits a Markdown file into the blocks to compile and the blocks opted out. */
export function codeBlocks(file: string, markdown: string): { blocks: CodeBlock[]; skipped: SkippedBlock[] } {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  const skipped: SkippedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!OPEN.test(lines[i] ?? '')) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) body.push(lines[i] ?? '');
    let above = start - 1;
    while (above > 0 && (lines[above] ?? '').trim() === '') above--;
    const marker = MARKER.exec((lines[above] ?? '').trim());
    if (marker) skipped.push({ file, line: start + 1, reason: marker[1] ?? '' });
    else blocks.push({ file, line: start + 1, code: body.join('\n') });
  }
  return { blocks, skipped };
}

/** A file name for a block in the scratch project: `docs/agents.md` line 21 → `docs_agents.md.L21.ts`. */
export function blockFileName(block: CodeBlock): string {
  return `${block.file.replace(/[^\w.-]/g, '_')}.L${block.line}.ts`;
}
