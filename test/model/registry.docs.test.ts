/** docs/testing.md's registry example is test/model/registry-docs-example.test.ts, imports aside, so CI runs it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('docs/testing.md, a registry of tools', () => {
  it('shows exactly the example that runs as test/model/registry-docs-example.test.ts', () => {
    const block = /```ts registry-example\n([\s\S]*?)```/.exec(read('../../docs/testing.md'))?.[1];
    const example = read('./registry-docs-example.test.ts')
      .replace("'../../src/index.js'", "'tripstate'")
      .replace("'../../src/testing/index.js'", "'tripstate/testing'");
    expect(block).toBe(example);
  });
});
