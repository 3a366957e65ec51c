/**
 * Self time per function of a `.cpuprofile` (V8's format), the heaviest first; with `--by-file`,
 * per source file. Percentages are of the samples that were not idle.
 *   node --import tsx bench/profile/summary.ts <file.cpuprofile> [rows] [--by-file]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: summary.ts <file.cpuprofile> [rows]');
const rowsWanted = Number(process.argv[3] ?? 25) || 25;
const byFile = process.argv.includes('--by-file');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const selfHits = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)') continue;
  total += hits;
  const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/main\//, '');
  const file = where.replace(/-[0-9a-f]{8}\.cjs\.js$/, '').replace(/\/dist\/.*$/, '');
  const key = byFile ? file || functionName : `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}`;
  selfHits.set(key, (selfHits.get(key) ?? 0) + hits);
}
const rows = [...selfHits].sort((a, b) => b[1] - a[1]).slice(0, rowsWanted);
for (const [key, hits] of rows) console.log(`${((100 * hits) / total).toFixed(1).padStart(5)} %  ${key}`);
