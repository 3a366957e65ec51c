/** A breaker's event listeners: kept while it is dormant, attached to its actor once it has one. */
import type { Actor } from 'xstate';
import type { BreakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerEmitted } from '../../machines/breaker.types.js';
import type { BreakerEventMap, Listener } from './events.js';

/** The subscribed listeners of one breaker. @internal */
export class BreakerListeners {
  #entries: Set<Listener> | undefined;
  /** Subscribed `rejected` listeners: while any, each rejection goes to the chart at once. */
  rejected = 0;

  /** Subscribes `fn` to `type`, on `actor` if there is one; returns the function that unsubscribes (once). */
  add(
    type: keyof BreakerEventMap,
    fn: (event: BreakerEmitted) => void,
    actor: Actor<BreakerMachine> | undefined,
  ): () => void {
    const entry: Listener = { type, fn };
    if (actor !== undefined) entry.off = attach(actor, entry);
    (this.#entries ??= new Set()).add(entry);
    if (type === 'rejected') this.rejected++;
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      if (type === 'rejected') this.rejected--;
      this.#entries?.delete(entry);
      entry.off?.();
    };
  }

  /** Attaches every listener to a new actor. */
  attachAll(actor: Actor<BreakerMachine>): void {
    for (const listener of this.#entries ?? []) listener.off = attach(actor, listener);
  }
}

function attach(actor: Actor<BreakerMachine>, listener: Listener): () => void {
  const subscription = actor.on(listener.type, listener.fn);
  return () => subscription.unsubscribe();
}
