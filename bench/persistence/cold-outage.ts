/**
 * Scenario 10's cold row, in a process of its own: nothing compiled by an earlier run and the
 * setup's tools still young when the outage starts (no warm-up, no settling). Prints the `Run`
 * as JSON. Usage: node --expose-gc --import tsx bench/persistence/cold-outage.ts <tools> <openings> <spreadMs>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outage } from './outage.js';
import { journalStore } from './stores.js';

const [tools, openings, spreadMs] = process.argv.slice(2).map(Number);
if (!tools || !openings || !spreadMs) throw new Error('usage: cold-outage.ts <tools> <openings> <spreadMs>');
const folder = mkdtempSync(join(tmpdir(), 'tripstate-bench-'));
try {
  const run = await outage(tools, openings, spreadMs, journalStore(join(folder, 'store')), {
    settled: false,
  });
  process.stdout.write(`${JSON.stringify(run)}\n`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
