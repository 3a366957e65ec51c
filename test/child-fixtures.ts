/**
 * Child processes of the tests run plain JavaScript: the sources (`src`, `machines`) and one
 * folder of fixtures transpiled once per test file (TypeScript's transpileModule, no type
 * check) into a temporary folder, so that a child starts in a fraction of the time
 * `--import tsx` takes, on any Node version.
 */
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));

function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? walk(join(folder, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(folder, entry.name)]
        : [],
  );
}

export interface FixtureCompiler {
  /** The path of the compiled `fixture` (a file of the fixtures folder), compiling on first use. */
  compiled(fixture: string): string;
  /** Removes the compiled files. */
  remove(): void;
}

/**
 * Compiles `fixtures` (a folder relative to the checkout) with the sources. `modules`: `'link'`
 * links the checkout's `node_modules`; `'xstate'` copies `xstate` alone into a folder every user
 * may read (a child running as `nobody` may not be able to enter the checkout).
 */
export function fixtureCompiler(fixtures: string, modules: 'link' | 'xstate'): FixtureCompiler {
  let out = '';
  return {
    compiled(fixture) {
      if (out === '') {
        out = mkdtempSync(join(tmpdir(), 'tripstate-children-'));
        if (modules === 'link') {
          symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
        } else {
          chmodSync(out, 0o755);
          cpSync(join(root, 'node_modules', 'xstate'), join(out, 'node_modules', 'xstate'), {
            recursive: true,
          });
        }
        for (const folder of ['src', 'machines', fixtures]) {
          for (const file of walk(join(root, folder))) {
            const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
              compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
              fileName: file,
            });
            const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
            mkdirSync(dirname(target), { recursive: true });
            writeFileSync(target, outputText);
          }
        }
        writeFileSync(join(out, 'package.json'), '{"type":"module"}');
      }
      return join(out, fixtures, fixture.replace(/\.ts$/, '.js'));
    },
    remove() {
      if (out !== '') rmSync(out, { recursive: true, force: true });
      out = '';
    },
  };
}
