/**
 * `npm run bench`: tripstate, cockatiel, opossum and a bare `await fn()` on the same workloads.
 * Each scenario runs in a process of its own (the same node flags), so that no scenario meets
 * the heap or the compiled code another left behind; within a scenario, the libraries compared
 * run side by side in one process. `BENCH_ONLY=<part of a name>` runs the matching scenarios.
 * `npm run bench:smoke` runs every scenario briefly (CI); it never judges timings.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

/** Set in a scenario's own process: the scenario's name. */
const SCENARIO = 'TRIPSTATE_BENCH_SCENARIO';

/** Runs `name` in a new process; its tables are printed there, its targets come back. */
function inOwnProcess(name: string): Promise<readonly Target[]> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), process.argv.slice(2), {
      env: { ...process.env, [SCENARIO]: name },
      execArgv: process.execArgv,
      stdio: 'inherit',
    });
    let targets: readonly Target[] | undefined;
    child.on('message', (message) => (targets = message as readonly Target[]));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && targets !== undefined) resolve(targets);
      else reject(new Error(`bench: scenario "${name}" ended with ${signal ?? `exit code ${code}`}`));
    });
  });
}

const own = process.env[SCENARIO];
if (own !== undefined) {
  const scenario = scenarios.find(([name]) => name === own);
  if (scenario === undefined) throw new Error(`bench: no scenario named "${own}"`);
  const result = await scenario[1](config);
  for (const table of result.tables) console.log(`\n${renderTable(table)}`);
  process.send?.(result.targets);
  process.disconnect?.();
} else {
  const only = process.env['BENCH_ONLY'];
  const targets: Target[] = [];
  for (const [name] of scenarios) {
    if (only !== undefined && !name.includes(only)) continue;
    targets.push(...(await inOwnProcess(name)));
  }
  if (!config.smoke) console.log(`\n${renderTargets(targets)}`);
}
