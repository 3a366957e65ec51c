/**
 * tripstate/ai's types against AI SDK 7: its sources and a user's code (ai-7-types/consumer.ts)
 * compiled with `ai` resolved to the AI SDK 7 dev alias. The other tests compile against 6.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

describe('tripstate/ai on AI SDK 7 types', () => {
  it('type-checks breakerMiddleware, withBreakers and activeTools in an AI SDK 7 program', () => {
    const run = spawnSync(process.execPath, [tsc, '-p', 'test/adapters/ai-7-types/tsconfig.json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 150_000);
});
