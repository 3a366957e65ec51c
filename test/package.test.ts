/**
 * The built package, as users load it: `import` and `require` on Node 20.19+, and an open
 * breaker must never keep a process alive. Runs against `dist/`, built once here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = (args: string[]) =>
  spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 30_000 });

beforeAll(() => {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
});

describe('built package', () => {
  it('loads with import, both subpaths', () => {
    const run = node([
      '--input-type=module',
      '-e',
      `import { createBreaker } from 'tripstate';
       import { breakerMachine } from 'tripstate/machines';
       const b = createBreaker({ failureThreshold: 1 });
       b.tryAcquire().failure('network');
       console.log(b.state, breakerMachine.id);`,
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('open breaker');
  });

  it('loads with require', () => {
    const run = node([
      '-e',
      `const { createBreaker, isBrokenCircuitError } = require('tripstate');
       const { ERROR_CATEGORIES } = require('tripstate/machines');
       const b = createBreaker();
       console.log(b.state, typeof isBrokenCircuitError, ERROR_CATEGORIES.length);`,
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('closed function 16');
  });

  it('lets a process that opened a breaker exit at once', () => {
    const run = node([
      '--input-type=module',
      '-e',
      `import { createBreaker } from 'tripstate';
       const open = createBreaker({ failureThreshold: 1, minBackoffMs: 600000, maxBackoffMs: 600000 });
       open.tryAcquire().failure('network');
       const probing = createBreaker({ failureThreshold: 1, minBackoffMs: 0, maxBackoffMs: 0, probeTimeoutMs: 600000 });
       probing.tryAcquire().failure('network');
       probing.tryAcquire();
       console.log(open.state, probing.state);`,
    ]);
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('open halfOpen');
  });
});
