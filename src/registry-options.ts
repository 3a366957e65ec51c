import { SHARD_CAPACITY } from '../machines/registry.shard.js';
import type { FleetShare } from './share/types.js';
import { resolveBreakerOptions, type BreakerOptions, type ResolvedBreakerOptions } from './options.js';
import { DEFAULT_MAX_TOOL_NAME_LENGTH } from './tool-name.js';
import { checkOptionNames, checkOwnOptions } from './option-checks.js';
import type { RegistryStore } from './registry-snapshot.js';

/** Breaker options for one tool (`tool`) or every tool whose name starts with `prefix`. */
export type ToolOverride =
  | { readonly tool: string; readonly options: BreakerOptions }
  | { readonly prefix: string; readonly options: BreakerOptions };

/** Options of `createRegistry`. */
export interface RegistryOptions {
  /** Breaker options of every tool (its `clock` and `inspect` apply to the whole registry). */
  readonly defaults?: BreakerOptions;
  /** An XState inspection observer for the registry actor and every breaker actor (e.g. the Stately inspector). @default defaults.inspect */
  readonly inspect?: BreakerOptions['inspect'];
  /** Timers and time of every breaker (e.g. `SimulatedClock`). @default defaults.clock, else real unref'd timers */
  readonly clock?: BreakerOptions['clock'];
  /** Per-tool options over the defaults: an exact name wins over a prefix, a longer prefix over a shorter. */
  readonly overrides?: readonly ToolOverride[];
  /** Tools kept before the least recently used closed ones without failures are evicted. @default 10000 */
  readonly maxTools?: number;
  /** Open circuits at which `recoveryPause` is emitted (and `recoveryResumed` once below). @default none */
  readonly maxOpenCircuits?: number;
  /** Longest tool name accepted, in UTF-16 code units. @default 1024 */
  readonly maxToolNameLength?: number;
  /**
   * Live breaker actors per shard of the registry chart. A shard spawns and stops a breaker at
   * the same cost whatever it holds; fewer, larger shards make the registry actor's own
   * children (its shards) fewer, which XState copies on every shard it stops. Tuning only.
   * @default 1024
   */
  readonly shardCapacity?: number;
  /** A persisted registry snapshot to start from (`getPersistedSnapshot()`). */
  readonly snapshot?: unknown;
  /** Loads on start and writes what changed after each state change (e.g. `createFileStore(path)`; see `ready()`, `flush()`). */
  readonly store?: RegistryStore;
  /** What an invalid snapshot does: throw a `SnapshotError`, or start empty with a `warning` event. @default 'throw' */
  readonly onInvalidSnapshot?: 'throw' | 'startEmpty';
  /** One state per tool for every process of the fleet (e.g. `redisShare()` of `tripstate/redis`; see docs/fleet.md). */
  readonly share?: FleetShare;
}

export interface ResolvedRegistryOptions {
  readonly defaults: ResolvedBreakerOptions;
  readonly exact: ReadonlyMap<string, ResolvedBreakerOptions>;
  /** Longest first. */
  readonly prefixes: readonly (readonly [string, ResolvedBreakerOptions])[];
  readonly maxTools: number;
  readonly maxOpenCircuits: number | null;
  readonly maxToolNameLength: number;
  readonly shardCapacity: number;
  readonly onInvalidSnapshot: 'throw' | 'startEmpty';
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `tripstate: option ${name} must be an integer >= 1, got ${typeof value === 'number' ? value : typeof value}`,
    );
  }
  return value;
}

const REGISTRY_OPTIONS: readonly (keyof RegistryOptions)[] = [
  'defaults',
  'inspect',
  'clock',
  'overrides',
  'maxTools',
  'maxOpenCircuits',
  'maxToolNameLength',
  'shardCapacity',
  'snapshot',
  'store',
  'onInvalidSnapshot',
  'share',
];

const OVERRIDE_KEYS = ['tool', 'prefix', 'options'];

/** Validates registry options; every override is resolved once, over the defaults. */
export function resolveRegistryOptions(options: RegistryOptions = {}): ResolvedRegistryOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`tripstate: registry options must be an object, got ${String(options)}`);
  }
  checkOptionNames('registry option', options, REGISTRY_OPTIONS);
  if (typeof options.defaults === 'object' && options.defaults !== null)
    checkOwnOptions('option', options.defaults);
  const base: BreakerOptions = {
    ...options.defaults,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
  };
  const defaults = resolveBreakerOptions(base);
  const exact = new Map<string, ResolvedBreakerOptions>();
  const prefixes: [string, ResolvedBreakerOptions][] = [];
  const overrides = options.overrides ?? [];
  if (!Array.isArray(overrides)) throw new TypeError('tripstate: option overrides must be an array');
  overrides.forEach((override: ToolOverride, index) => {
    const where = `overrides[${index}]`;
    if (typeof override !== 'object' || override === null)
      throw new TypeError(`tripstate: ${where} must be an object`);
    checkOptionNames(where, override, OVERRIDE_KEYS);
    if ('tool' in override && 'prefix' in override) {
      throw new TypeError(
        `tripstate: ${where} has both tool and prefix; give one (an exact name or a prefix)`,
      );
    }
    const resolved = resolveBreakerOptions({
      ...base,
      ...override.options,
      clock: base.clock,
      inspect: base.inspect,
    });
    if ('tool' in override && typeof override.tool === 'string' && override.tool !== '') {
      exact.set(override.tool, resolved);
    } else if ('prefix' in override && typeof override.prefix === 'string' && override.prefix !== '') {
      prefixes.push([override.prefix, resolved]);
    } else {
      throw new TypeError(`tripstate: ${where} needs a non-empty string tool or prefix`);
    }
  });
  prefixes.sort((a, b) => b[0].length - a[0].length);
  const onInvalidSnapshot = options.onInvalidSnapshot ?? 'throw';
  if (onInvalidSnapshot !== 'throw' && onInvalidSnapshot !== 'startEmpty') {
    throw new RangeError(
      `tripstate: option onInvalidSnapshot must be "throw" or "startEmpty", got ${JSON.stringify(onInvalidSnapshot)}`,
    );
  }
  return {
    defaults,
    exact,
    prefixes,
    maxTools: positiveInteger('maxTools', options.maxTools, 10_000),
    maxOpenCircuits:
      options.maxOpenCircuits === undefined
        ? null
        : positiveInteger('maxOpenCircuits', options.maxOpenCircuits, 1),
    maxToolNameLength: positiveInteger(
      'maxToolNameLength',
      options.maxToolNameLength,
      DEFAULT_MAX_TOOL_NAME_LENGTH,
    ),
    shardCapacity: positiveInteger('shardCapacity', options.shardCapacity, SHARD_CAPACITY),
    onInvalidSnapshot,
  };
}

/** The options of one tool: its exact override, else its longest matching prefix, else the defaults. */
export function optionsForTool(resolved: ResolvedRegistryOptions, tool: string): ResolvedBreakerOptions {
  // With overrides, a name longer than V8 hashes by content meets only overrides of its own length.
  const exact = resolved.exact.size === 0 ? undefined : resolved.exact.get(tool);
  if (exact) return exact;
  for (const [prefix, options] of resolved.prefixes) if (tool.startsWith(prefix)) return options;
  return resolved.defaults;
}
