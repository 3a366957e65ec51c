/**
 * Generated diagrams embedded in Markdown between marker comments:
 *
 *     <!-- generated-diagram breaker -->
 *
 *     ```mermaid
 *     …
 *     ```
 *
 *     <!-- /generated-diagram -->
 *
 * (blank lines around the fence, as Prettier formats it).
 */

const BLOCK = /<!-- generated-diagram ([\w-]+) -->\n([\s\S]*?)<!-- \/generated-diagram -->/g;

/** The fenced Mermaid block that embeds a diagram. */
export function fenceMermaid(diagram: string): string {
  return `\`\`\`mermaid\n${diagram.endsWith('\n') ? diagram : `${diagram}\n`}\`\`\`\n`;
}

/** The embedded diagrams of a Markdown text, by machine name, as they are written there. */
export function readDiagramBlocks(markdown: string): Map<string, string> {
  return new Map([...markdown.matchAll(BLOCK)].map((m) => [m[1] ?? '', m[2] ?? '']));
}

/** The Markdown text with every embedded diagram replaced by `render(machine name)`. */
export function writeDiagramBlocks(markdown: string, render: (machine: string) => string): string {
  return markdown.replace(
    BLOCK,
    (_match, name: string) =>
      `<!-- generated-diagram ${name} -->\n\n${fenceMermaid(render(name))}\n<!-- /generated-diagram -->`,
  );
}
