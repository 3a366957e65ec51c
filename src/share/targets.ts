/** How a share link reaches what it drives: a registry's tools, or one breaker under a name. */
import type { BreakerEmitted } from '../../machines/breaker.types.js';
import type { Breaker } from '../breaker.js';
import type { Registry } from '../registry.js';
import { isFleetShare, type FleetShare } from './types.js';

type Watched = 'opened' | 'closed' | 'halfOpened' | 'isolated';

/** What the link drives: a registry, or one breaker under a name. */
export interface FleetTarget {
  /** Epoch milliseconds on the target's clock. */
  now(): number;
  /** The tool's breaker; with `create`, made if the target never saw the tool (it may throw for a bad name). */
  breaker(tool: string, create: boolean): Breaker | undefined;
  /** Every breaker the target holds. */
  entries(): Iterable<[string, Breaker]>;
  /** Subscribes to one breaker event of every tool; returns the function that unsubscribes. */
  on(type: Watched, listener: (tool: string, event: BreakerEmitted) => void): () => void;
  /** Reports a problem (the registry's `warning` event). */
  warn(message: string, error?: unknown): void;
}

/** Throws a TypeError unless `share` is a fleet share (e.g. `redisShare()` of `tripstate/redis`). @internal */
export function checkShare(share: unknown): FleetShare {
  if (isFleetShare(share)) return share;
  throw new TypeError(
    `tripstate: option share must be a fleet share (e.g. redisShare() from tripstate/redis), got ${share === null ? 'null' : typeof share}`,
  );
}

/** A registry as a share link's target. @internal */
export function registryTarget(
  registry: Registry,
  known: (tool: string) => Breaker | undefined,
  warn: (message: string, error?: unknown) => void,
): FleetTarget {
  return {
    now: () => registry.now(),
    breaker: (tool, create) => (create ? registry.breaker(tool) : known(tool)),
    entries: () => registry.entries(),
    on: (type, listener) => registry.on(type, (event) => listener(event.tool, event as BreakerEmitted)),
    warn,
  };
}

/** One breaker, shared under `name`, as a share link's target. @internal */
export function breakerTarget(breaker: Breaker, name: string, now: () => number): FleetTarget {
  const mine = (tool: string): Breaker | undefined => (tool === name ? breaker : undefined);
  return {
    now,
    breaker: (tool) => mine(tool),
    entries: () => [[name, breaker] as [string, Breaker]],
    on: (type, listener) => breaker.on(type, (event) => listener(name, event as BreakerEmitted)),
    warn: (message, error) => console.warn(message, error),
  };
}
