/**
 * One variant of scenario 9 measured alone in its own process (`node --expose-gc --import tsx
 * bench/windows/isolated.ts <variant> [--smoke]`): its call sites see one function only, so
 * how V8 optimises another variant cannot move its figure. The operation is first run until
 * V8 has compiled it with its optimising tier (mitata's own warm-up is one to three calls, so
 * its first samples would time the interpreter), then the heap is collected, then mitata
 * samples it. Prints `{"ns": <median ns per op>}`.
 */
import { benchConfig } from '../config.js';
import { collectGarbage, medianNs } from '../stats.js';
import { ISOLATED, type IsolatedVariant } from './variants.js';

/** Awaited operations before the first sample: enough for every function of the path to be optimised. */
const WARM_UP_OPS = 200_000;

const name = process.argv[2] as IsolatedVariant;
const make = ISOLATED[name] as (typeof ISOLATED)[IsolatedVariant] | undefined;
if (make === undefined) throw new Error(`isolated.ts: unknown variant ${String(name)}`);
const config = benchConfig(process.argv.slice(3));
const op = make();
for (let i = 0, n = config.smoke ? 1_000 : WARM_UP_OPS; i < n; i++) await op();
collectGarbage();
const ns = await medianNs(config, op);
process.stdout.write(`${JSON.stringify({ ns })}\n`);
