/**
 * `npm run demo`: a simulated agent session (fixed seed, simulated time, no network) in which
 * tools fail in the ways agent runtimes see, breakers open, probe and recover, and a primary
 * LLM provider fails over to its fallback. `--dashboard` also serves the local dashboard,
 * `--seed N` changes the session, `--fast` skips the pacing of the live view on a terminal.
 */
import { parseArgs } from 'node:util';
import { createSession, runSession, summarize, SESSION_MS } from './session.js';
import { LiveView, table } from './view.js';

const { values } = parseArgs({
  options: {
    dashboard: { type: 'boolean', default: false },
    seed: { type: 'string', default: '7' },
    fast: { type: 'boolean', default: false },
  },
});
// `npm run demo | head` closes the pipe early: end quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const seed = Number(values.seed);
if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(seed)) {
  console.error(`demo: --seed must be a whole number, got ${JSON.stringify(values.seed)}`);
  process.exit(2);
}
const session = createSession(seed);
const view = new LiveView(session);
const tty = process.stdout.isTTY === true;
const frameMs = tty && !values.fast ? (values.dashboard ? 150 : 45) : 0;

const dashboard = values.dashboard ? await session.registry.serveDashboard({ port: 0 }) : undefined;
if (dashboard) console.log(`dashboard: ${dashboard.url}`);

console.log(`tripstate demo: ${SESSION_MS / 1000} s of simulated agent session, seed ${seed}\n`);
const restore = view.begin();
const interrupt = (): void => {
  restore();
  process.exit(130);
};
process.once('SIGINT', interrupt);
const started = performance.now();
await runSession(session, {
  onEvent: (at, subject, text) => view.event(at, subject, text),
  onTurn: async (turn) => {
    view.frame(turn);
    if (frameMs > 0) await new Promise((resolve) => setTimeout(resolve, frameMs));
  },
});
restore();

console.log(
  `\nsummary after ${SESSION_MS / 1000} s simulated (${((performance.now() - started) / 1000).toFixed(1)} s real):\n`,
);
for (const line of table(summarize(session), tty)) console.log(line);
if (dashboard) {
  if (tty) {
    console.log(`\ndashboard still at ${dashboard.url}; Ctrl-C to exit`);
    await new Promise((resolve) => process.once('SIGINT', resolve));
  }
  await dashboard.close();
}
session.registry.stop();
