/**
 * One variant of scenario 9 measured alone in its own process (`node --import tsx
 * bench/windows/isolated.ts <variant> [--smoke]`): its call sites see one function only, so
 * how V8 optimises another variant cannot move its figure. Prints `{"ns": <median ns per op>}`.
 */
import { benchConfig } from '../config.js';
import { medianNs } from '../stats.js';
import { ISOLATED, type IsolatedVariant } from './variants.js';

const name = process.argv[2] as IsolatedVariant;
const make = ISOLATED[name] as (typeof ISOLATED)[IsolatedVariant] | undefined;
if (make === undefined) throw new Error(`isolated.ts: unknown variant ${String(name)}`);
const ns = await medianNs(benchConfig(process.argv.slice(3)), make());
process.stdout.write(`${JSON.stringify({ ns })}\n`);
