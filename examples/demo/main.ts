/**
 * `npm run demo`: a simulated agent session (fixed seed, simulated time, no network) in which
 * tools fail in the ways agent runtimes see, breakers open, probe and recover, and a primary
 * LLM provider fails over to its fallback. `--dashboard` also serves the local dashboard,
 * `--seed N` changes the session, `--fast` skips the pacing of the live view on a terminal.
 */
import { parseDemoArgs } from './args.js';
import { createSession, runSession, summarize, SESSION_MS } from './session.js';
import { LiveView, table } from './view.js';

const args = parseDemoArgs(process.argv.slice(2));
if (args.kind === 'exit') {
  (args.code === 0 ? console.log : console.error)(args.message);
  process.exit(args.code);
}
const { seed } = args;
// `npm run demo | head` closes the pipe early: end quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const session = createSession(seed);
const view = new LiveView(session);
const tty = process.stdout.isTTY === true;
const frameMs = tty && !args.fast ? (args.dashboard ? 150 : 45) : 0;

const dashboard = args.dashboard ? await session.registry.serveDashboard({ port: 0 }) : undefined;
if (dashboard) console.log(`dashboard: ${dashboard.url} (stays up after the session until Ctrl-C)`);

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
const width = tty ? Math.max(20, (process.stdout.columns || 80) - 1) : Infinity;
for (const line of table(summarize(session), tty, width)) console.log(line);
if (dashboard) {
  // The session is over, but the page keeps counting down: simulated time now runs at real speed,
  // so open circuits still reach their probes and the page's countdowns never jump back.
  const clock = session.time.clock;
  let last = performance.now();
  const ticking = setInterval(() => {
    const now = performance.now();
    clock.increment(Math.round(now - last));
    last = now;
  }, 250);
  process.off('SIGINT', interrupt);
  console.log(`\ndashboard still at ${dashboard.url} (simulated time runs on in real time); Ctrl-C to exit`);
  await new Promise((resolve) => process.once('SIGINT', resolve));
  clearInterval(ticking);
  await dashboard.close();
}
session.registry.stop();
