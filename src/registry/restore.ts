import type { BreakerContext } from '../../machines/breaker.types.js';
import type { Breaker } from '../breaker.js';
import { SnapshotError } from '../errors.js';
import { optionsForTool, type ResolvedRegistryOptions } from '../registry-options.js';
import type { RegistryPersistence } from '../registry-persistence.js';
import { restoreRegistrySnapshot } from '../registry-snapshot.js';
import { liveContext } from '../snapshot.js';
import { planRestore } from './restore-plan.js';
import type { ToolSlot } from './slot.js';
import type { RegistryTools } from './tools.js';

/** What restoring needs of a registry. */
export interface RestoreTarget {
  readonly options: ResolvedRegistryOptions;
  readonly tools: RegistryTools;
  readonly persistence: RegistryPersistence | undefined;
  isStopped(): boolean;
  /** Places a tool: dormant with a closed context, or from a validated persisted snapshot. */
  place(tool: string, dormant: BreakerContext | undefined, snapshot: unknown): Breaker;
  /** Takes a tool out and stops its breaker. */
  remove(slot: ToolSlot): void;
  /** A restored tool's circuit is open or isolated. */
  opened(tool: string): void;
  warn(message: string, error?: unknown): void;
}

/**
 * Restores `snapshot`, or else what the store loads (now, or once its promise settles); returns
 * the promise `ready()` returns.
 */
export function restoreRegistry(target: RestoreTarget, snapshot: unknown): Promise<void> {
  const persistence = target.persistence;
  try {
    const loaded = persistence?.load();
    if (loaded instanceof Promise && snapshot === undefined) {
      const ready = loaded.then(
        (input) => apply(target, input, true),
        (error: unknown) => loadFailed(target, error),
      );
      ready.catch(() => undefined); // the rejection is for whoever awaits ready()
      return ready;
    }
    if (loaded instanceof Promise) loaded.catch(() => undefined); // `snapshot` wins
    apply(target, snapshot ?? loaded, false);
    if (snapshot !== undefined) persistence?.cleared(Array.from(target.tools.values(), (slot) => slot.tool)); // the store now holds it
  } catch (error) {
    loadFailed(target, error);
  }
  return Promise.resolve();
}

/** Places the tools of a snapshot; `merge`: a tool already used keeps its state unless closed without failures. */
function apply(target: RestoreTarget, input: unknown, merge: boolean): void {
  if (input === undefined || target.isStopped()) return;
  const { options, tools: registryTools } = target;
  const { kept: tools, dropped } = planRestore(
    restoreRegistrySnapshot(input, (tool) => optionsForTool(options, tool).config, options.maxToolNameLength),
    options.maxTools,
  );
  for (const [tool, snapshot] of tools) {
    const known = merge ? registryTools.get(tool) : undefined;
    if (known !== undefined && (known.breaker.state !== 'closed' || known.breaker.failureCount > 0)) continue;
    if (known !== undefined) target.remove(known);
    const breaker =
      snapshot.value === 'closed'
        ? target.place(tool, liveContext(snapshot.context), undefined)
        : target.place(tool, undefined, snapshot);
    if (breaker.state === 'open' || breaker.state === 'isolated') target.opened(tool);
  }
  if (dropped > 0) warnDropped(target, dropped, tools.length);
}

/** A snapshot larger than `maxTools` was cut down: said once listeners can hear it. */
function warnDropped(target: RestoreTarget, dropped: number, kept: number): void {
  target.tools.crossedMaxTools(); // this warning says it: the next tool added does not again
  const message = `tripstate: the snapshot held more than maxTools ${target.options.maxTools} tools: kept ${kept} (every open, half-open, isolated or failing one, then the closed ones listed last), dropped ${dropped} closed ones`;
  queueMicrotask(() => target.warn(message));
}

/** A failed load or restore: thrown (or rejected from ready()), or an empty start with a `warning`. */
function loadFailed(target: RestoreTarget, error: unknown): void {
  if (target.options.onInvalidSnapshot === 'throw' || !(error instanceof SnapshotError)) {
    target.persistence?.disable();
    throw error;
  }
  for (const slot of [...target.tools.values()]) target.remove(slot);
  target.persistence?.cleared();
  const message = `tripstate: started empty: ${error.message}`;
  queueMicrotask(() => target.warn(message, error));
}
