/**
 * Runs the agent machine on simulated time and prints what it did:
 * `node --import tsx examples/agent-machine/main.ts`.
 */
import { SimulatedClock, createActor } from 'xstate';
import { agentMachine } from './agent.machine.js';

const clock = new SimulatedClock();
let searchCalls = 0;
const actor = createActor(agentMachine, {
  clock,
  input: {
    now: () => clock.now(),
    breaker: { failureThreshold: 3, minBackoffMs: 5_000 },
    maxOpenCircuits: 2,
    tools: {
      search: async () => {
        if (++searchCalls <= 3) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return 'live results';
      },
      cached_search: async () => 'cached results',
    },
    plan: Array.from({ length: 10 }, () => ({ tool: 'search', fallback: 'cached_search' })),
  },
});
actor.start();
while (actor.getSnapshot().status !== 'done') {
  await new Promise((resolve) => setImmediate(resolve));
  clock.increment(500);
}
for (const line of actor.getSnapshot().context.log) console.log(line);
