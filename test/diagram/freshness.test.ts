import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagramMachines, fenceMermaid, readDiagramBlocks, toMermaid } from '../../src/diagram/index.js';

const files = ['docs/statechart.md', 'README.md'] as const;

describe.each(files)('the diagrams embedded in %s', (file) => {
  const blocks = readDiagramBlocks(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
  const regenerate = `node --import tsx src/cli/main.ts diagram --write-docs --docs ${file}`;

  it('include the breaker diagram', () => {
    expect(blocks.has('breaker'), `${file} has no <!-- generated-diagram breaker --> block`).toBe(true);
  });

  it.each([...blocks.keys()])('%s is the Mermaid diagram generated from its machine now', (name) => {
    const machine = diagramMachines[name as keyof typeof diagramMachines];
    expect(machine, `${file} embeds a diagram of an unknown machine: ${name}`).toBeDefined();
    const fresh = `\n${fenceMermaid(toMermaid(machine))}\n`;
    expect(
      blocks.get(name) === fresh,
      `${file} holds an out-of-date ${name} diagram; regenerate it with: ${regenerate}`,
    ).toBe(true);
  });
});
