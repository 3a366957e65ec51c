/**
 * A small agent session against a flaky tool: the breaker opens, rejects, probes once
 * and recovers. Runs on a simulated clock, so it takes no real time.
 */
import { SimulatedClock } from 'xstate';
import { createBreaker, isBrokenCircuitError } from '../../src/index.js';

const clock = new SimulatedClock();
const breaker = createBreaker({ failureThreshold: 3, minBackoffMs: 2_000, clock });
breaker.on('opened', (e) => console.log(`  opened (${e.reason}), next probe in ${e.backoffMs} ms`));
breaker.on('halfOpened', () => console.log('  half-open: one probe allowed'));
breaker.on('closed', (e) => console.log(`  closed (${e.reason})`));

let healthyAfter = 5_000;
async function flakyTool(): Promise<string> {
  if (clock.now() < healthyAfter) throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
  return 'ok';
}

for (let step = 0; step < 12; step++) {
  const result = await breaker.execute(flakyTool).then(
    (value) => value,
    (error: unknown) => (isBrokenCircuitError(error) ? 'rejected by the breaker' : 'tool failed'),
  );
  console.log(`t=${String(clock.now()).padStart(5)} ms  ${breaker.state.padEnd(8)} ${result}`);
  clock.increment(1_000);
}
healthyAfter = 0;
console.log(breaker.diagnostics());
