/**
 * The tools to offer the model at a step: those whose circuit admits a call now. A tool whose
 * circuit is open is left out (the model does not waste a step choosing it) until its probe
 * is due, then offered again so that the probe can happen.
 */
import { hasProbeSlot } from '../../machines/breaker.logic.js';
import type { Registry } from '../registry.js';

/** The part of a `Registry` that `activeToolsFor` reads (it never admits or counts anything). */
export type ActiveToolsRegistry = Pick<Registry, 'diagnostics' | 'breaker'>;

/** Options of `activeToolsFor` and `breakerPrepareStep`. */
export interface ActiveToolsOptions {
  /** Prepended to each tool's name to make its registry key, as given to `withBreakers`. @default '' */
  readonly prefix?: string;
}

/** Tool names: a list, or a tool set whose keys are the names. */
export type ToolNames<NAME extends string> = readonly NAME[] | { readonly [K in NAME]: unknown };

function namesOf<NAME extends string>(tools: ToolNames<NAME>): readonly NAME[] {
  if (Array.isArray(tools)) return tools as readonly NAME[];
  if (typeof tools === 'object' && tools !== null) return Object.keys(tools) as NAME[];
  throw new TypeError(
    `tripstate: activeToolsFor() needs a list of tool names or a tool set, got ${tools === null ? 'null' : typeof tools}`,
  );
}

/** Would the tool's circuit admit a call now? Read from its diagnostics, never by acquiring. */
function admitsNow(registry: ActiveToolsRegistry, key: string): boolean {
  const { state, remainingBackoffMs } = registry.diagnostics(key);
  if (state === 'closed') return true;
  if (state === 'open') return remainingBackoffMs === 0;
  // The chart's own rule: with a window, results already in keep their slots too.
  if (state === 'halfOpen') return hasProbeSlot(registry.breaker(key).getSnapshot().context);
  return false; // isolated
}

/**
 * The names in `tools` whose circuit admits a call now (registry key `prefix + name`), in
 * their order: closed circuits; open ones whose backoff has ended (the next call probes);
 * half-open ones with a probe slot free. Open circuits still backing off, half-open ones whose
 * probes are all in flight, and isolated ones are left out. Reads the registry only: nothing
 * is admitted or counted. Pass the result as the AI SDK's `activeTools`.
 *
 * @example
 * const tools = withBreakers({ weather, search }, registry);
 * await generateText({ model, tools, activeTools: activeToolsFor(registry, tools), prompt });
 */
export function activeToolsFor<NAME extends string>(
  registry: ActiveToolsRegistry,
  tools: ToolNames<NAME>,
  options: ActiveToolsOptions = {},
): NAME[] {
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string') {
    throw new TypeError(`tripstate: option prefix must be a string, got ${typeof prefix}`);
  }
  return namesOf(tools).filter((name) => admitsNow(registry, `${prefix}${name}`));
}

/**
 * A `prepareStep` for `generateText`, `streamText` or an `Agent` that offers the model, at
 * every step, only the tools whose circuit admits a call now (`activeToolsFor`). Tools that
 * open during a run disappear from the next step; they come back once their probe is due.
 * To combine it with a `prepareStep` of your own, spread its result into yours.
 *
 * @example
 * await generateText({
 *   model, tools, prompt, stopWhen: stepCountIs(5),
 *   prepareStep: breakerPrepareStep(registry, tools),
 * });
 */
export function breakerPrepareStep<NAME extends string>(
  registry: ActiveToolsRegistry,
  tools: ToolNames<NAME>,
  options: ActiveToolsOptions = {},
): () => { activeTools: NAME[] } {
  const names = [...namesOf(tools)];
  activeToolsFor(registry, names, options); // validates now, not at the first step
  return () => ({ activeTools: activeToolsFor(registry, names, options) });
}
