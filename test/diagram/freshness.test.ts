import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fenceMermaid, readDiagramBlocks, toMermaid } from '../../src/diagram/index.js';
import { breakerMachine } from '../../machines/index.js';

const REGENERATE = 'node --import tsx src/cli/main.ts diagram --write-docs';

describe('the diagram in docs/statechart.md', () => {
  const blocks = readDiagramBlocks(
    readFileSync(new URL('../../docs/statechart.md', import.meta.url), 'utf8'),
  );

  it('is the Mermaid diagram generated from breakerMachine now', () => {
    const embedded = blocks.get('breaker');
    expect(embedded, 'docs/statechart.md has no <!-- generated-diagram breaker --> block').toBeDefined();
    const fresh = `\n${fenceMermaid(toMermaid(breakerMachine))}\n`;
    expect(
      embedded === fresh,
      `docs/statechart.md holds an out-of-date breaker diagram; regenerate it with: ${REGENERATE}`,
    ).toBe(true);
  });
});
