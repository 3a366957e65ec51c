/**
 * The one-process-per-variant measurement of scenario 9: every variant alone in a fresh
 * process (`isolated.ts`), in interleaved rounds, so that drifting load and the spread between
 * processes hit every variant alike.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from '../config.js';
import { median } from '../stats.js';
import type { IsolatedVariant } from './variants.js';

const isolatedEntry = fileURLToPath(new URL('./isolated.ts', import.meta.url));

/** Interleaved rounds of isolated runs: 11 in full (each variant about 2 s a run), 1 in smoke. */
export function isolatedRounds(config: BenchConfig): number {
  return config.smoke ? 1 : 11;
}

/** Each variant's figure per round (ns per operation), rounds in the order they ran. */
export type IsolatedRuns = Readonly<Record<IsolatedVariant, readonly number[]>>;

/** Runs every variant once per round, in order, each in a process of its own. */
export function runIsolated(config: BenchConfig, variants: readonly IsolatedVariant[]): IsolatedRuns {
  const runs = new Map<IsolatedVariant, number[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < isolatedRounds(config); round++) {
    for (const variant of variants) {
      const args = [
        '--expose-gc',
        '--import',
        'tsx',
        isolatedEntry,
        variant,
        ...(config.smoke ? ['--smoke'] : []),
      ];
      const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
      const last = child.stdout.trim().split('\n').at(-1) ?? '';
      if (child.status !== 0 || !last.startsWith('{')) {
        throw new Error(`windows: the isolated run of ${variant} failed: ${child.stderr}`);
      }
      runs.get(variant)!.push((JSON.parse(last) as { ns: number }).ns);
    }
  }
  return Object.fromEntries(runs) as Record<IsolatedVariant, number[]>;
}

/** The median of a variant's rounds. */
export function medianOf(runs: IsolatedRuns, variant: IsolatedVariant): number {
  return median(runs[variant]);
}

/**
 * The median over rounds of `variant − reference` within each round: both ran one after the
 * other, so a round where the machine was slower for both does not move the difference.
 */
export function pairedDifference(
  runs: IsolatedRuns,
  variant: IsolatedVariant,
  reference: IsolatedVariant,
): number {
  const a = runs[variant];
  const b = runs[reference];
  return median(a.map((ns, i) => ns - (b[i] as number)));
}

/** The lowest and highest of a variant's rounds, to show the spread between processes. */
export function spreadOf(runs: IsolatedRuns, variant: IsolatedVariant): readonly [number, number] {
  return [Math.min(...runs[variant]), Math.max(...runs[variant])];
}
