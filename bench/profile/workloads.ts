/**
 * Hot loops of tripstate's paths that miss a target, for `node --cpu-prof`:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile/workloads.ts failing [scale]
 *   node --import tsx bench/profile/summary.ts /tmp/prof/<file>.cpuprofile
 *
 * `scale` multiplies the iterations (default 1), so the loop outweighs module loading in the profile.
 */
import { HOUR_MS, NEVER, tripstateBreaker } from '../contenders.js';
import { createBreaker } from '../../src/index.js';
import { fail, settle, succeed } from '../workload.js';

const swallow = (): void => undefined;
const ROUNDS = 300_000 * (Number(process.argv[3] ?? 1) || 1);

const workloads: Record<string, () => Promise<void>> = {
  async closed() {
    const breaker = tripstateBreaker({ threshold: 5, openMs: HOUR_MS });
    for (let i = 0; i < ROUNDS * 20; i++) await breaker.execute(succeed);
  },
  async failing() {
    const breaker = tripstateBreaker({ threshold: NEVER, openMs: HOUR_MS });
    for (let i = 0; i < ROUNDS; i++) await breaker.execute(fail).catch(swallow);
  },
  async rejected() {
    const breaker = tripstateBreaker({ threshold: 1, openMs: HOUR_MS });
    await settle(breaker.execute(fail));
    for (let i = 0; i < ROUNDS; i++) await breaker.execute(succeed).catch(swallow);
  },
  async create() {
    for (let i = 0; i < ROUNDS / 10; i++) createBreaker().stop();
  },
};

const name = process.argv[2] ?? '';
const workload = workloads[name];
if (workload === undefined) throw new Error(`usage: workloads.ts ${Object.keys(workloads).join('|')}`);
await workload();
