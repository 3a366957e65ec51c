/**
 * `npm run bench`: tripstate, cockatiel, opossum and a bare `await fn()` on the same workloads,
 * in one process. `npm run bench:smoke` runs every scenario briefly (CI); it never judges timings.
 */
import { benchConfig } from './config.js';
import { renderTable, renderTargets, type ScenarioResult, type Target } from './report.js';
import { closedCall } from './scenarios/closed-call.js';
import { failingCall } from './scenarios/failing-call.js';
import { openRejection } from './scenarios/open-rejection.js';
import { registryScale } from './scenarios/registry.js';
import { halfOpenBurst } from './scenarios/half-open-burst.js';
import { creation } from './scenarios/creation.js';
import { wholeCycle } from './scenarios/cycle.js';
import { outage } from './scenarios/outage.js';
import { windows } from './scenarios/windows.js';
import { persistenceScenario } from './scenarios/persistence.js';
import { fleetScenario } from './scenarios/fleet.js';

const config = benchConfig(process.argv.slice(2));
const scenarios: readonly (readonly [string, (c: typeof config) => Promise<ScenarioResult>])[] = [
  ['closed call', closedCall],
  ['failing call', failingCall],
  ['open rejection', openRejection],
  ['half-open burst', halfOpenBurst],
  ['registry', registryScale],
  ['creation', creation],
  ['cycle', wholeCycle],
  ['outage', outage],
  ['windows', windows],
  ['persistence', persistenceScenario],
  ['fleet', fleetScenario],
];

const only = process.env['BENCH_ONLY'];
const targets: Target[] = [];
for (const [name, run] of scenarios) {
  if (only !== undefined && !name.includes(only)) continue;
  const result = await run(config);
  for (const table of result.tables) console.log(`\n${renderTable(table)}`);
  targets.push(...result.targets);
}
if (!config.smoke) console.log(`\n${renderTargets(targets)}`);
