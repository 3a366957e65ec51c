/**
 * Where a registry's breakers come from and where they go: a tool never seen gets a closed,
 * dormant breaker (a restored one gets its snapshot), eviction makes room for it first, and a
 * tool taken out has its breaker stopped and the change handed to the store. The registry's
 * bound is kept here: past `maxTools` (nothing could be evicted) it warns once, and `evicted`
 * is announced only once the new tool is in.
 */
import { initialBreakerContext } from '../../machines/breaker.machine.js';
import type { BreakerContext } from '../../machines/breaker.types.js';
import { Breaker } from '../breaker.js';
import type { DurationSinks } from '../durations.js';
import { BreakerStoppedError } from '../errors.js';
import { optionsForTool, type ResolvedRegistryOptions } from '../registry-options.js';
import { checkToolName } from '../tool-name.js';
import type { RegistryEventMap } from './events.js';
import type { LiveBreakers } from './live-breakers.js';
import { ToolSlot } from './slot.js';
import type { RegistryTools } from './tools.js';

/** What placing a registry's breakers needs of the registry. */
export interface PlacementOwner {
  readonly options: ResolvedRegistryOptions;
  readonly tools: RegistryTools;
  readonly live: LiveBreakers;
  /** Who wants call durations measured: every new breaker measures into them. */
  readonly durations: DurationSinks;
  isStopped(): boolean;
  /** The tool changed, or was forgotten: the store saves it. */
  changed(tool: string): void;
  emit<K extends keyof RegistryEventMap>(type: K, event: RegistryEventMap[K]): void;
}

/** Creates, places and removes the breakers of a registry's tools. */
export class ToolPlacement {
  readonly #owner: PlacementOwner;

  constructor(owner: PlacementOwner) {
    this.#owner = owner;
  }

  /**
   * The breaker of a tool never seen, closed and dormant, once room is made for it. Throws
   * `InvalidToolNameError` for a bad name, `BreakerStoppedError` once the registry is stopped.
   */
  add(tool: string): Breaker {
    const { options, tools } = this.#owner;
    checkToolName(tool, options.maxToolNameLength);
    if (this.#owner.isStopped()) throw new BreakerStoppedError(tool);
    const evicted = tools.makeRoom(1);
    for (const slot of evicted ?? []) this.#stop(slot);
    const breaker = this.place(tool, this.newToolContext(tool), undefined);
    if (tools.crossedMaxTools()) {
      this.#owner.emit('warning', {
        type: 'warning',
        message: `tripstate: ${tools.size} tools and none can be evicted (all open, half-open, isolated, failing or with calls in flight); maxTools ${options.maxTools} exceeded`,
      });
    }
    // Announced once the new tool is in: a listener that adds a tool finds the registry within
    // its bounds, and its tool makes room for itself.
    for (const { tool: gone } of evicted ?? []) this.#owner.emit('evicted', { type: 'evicted', tool: gone });
    return breaker;
  }

  /** Puts the tool's breaker in the registry: dormant with `dormant`, else restored from `snapshot`. */
  place(tool: string, dormant: BreakerContext | undefined, snapshot: unknown): Breaker {
    const { options, live, durations } = this.#owner;
    const breaker = new Breaker(optionsForTool(options, tool), {
      tool,
      ...(dormant === undefined ? { snapshot } : { dormant }),
      host: live.host,
    });
    if (durations.observers > 0) breaker.attachDurations(durations);
    this.#owner.tools.add(new ToolSlot(tool, breaker));
    // An inspector is shown every tool, new or restored: no dormancy when someone is watching.
    if (options.defaults.inspect !== undefined) void breaker.actor;
    return breaker;
  }

  /** Takes the tool out of the registry and stops its breaker. */
  remove(slot: ToolSlot): void {
    this.#owner.tools.delete(slot);
    this.#stop(slot);
  }

  /** The context of a tool's breaker before its first call: closed, as if its chart had just started. */
  newToolContext(tool: string): BreakerContext {
    return { ...initialBreakerContext(optionsForTool(this.#owner.options, tool).config), generation: 1 };
  }

  /** Stops the breaker of a tool taken out of the registry. */
  #stop(slot: ToolSlot): void {
    this.#owner.live.stop(slot);
    this.#owner.changed(slot.tool);
  }
}
