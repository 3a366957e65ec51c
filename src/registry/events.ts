import type { RegistryEmitted } from '../../machines/registry.machine.js';
import { BREAKER_EVENT_TYPES, checkListener, type BreakerEventMap } from '../breaker.js';

type WithTool<E> = E & { readonly tool: string };

/** Payloads of the registry's events, by name. Breaker events carry the tool's name. */
export type RegistryEventMap = { readonly [K in keyof BreakerEventMap]: WithTool<BreakerEventMap[K]> } & {
  readonly recoveryPause: Extract<RegistryEmitted, { type: 'recoveryPause' }> & {
    readonly openTools: readonly string[];
  };
  readonly recoveryResumed: Extract<RegistryEmitted, { type: 'recoveryResumed' }>;
  readonly evicted: { readonly type: 'evicted'; readonly tool: string };
  readonly warning: { readonly type: 'warning'; readonly message: string; readonly error?: unknown };
};

type AnyListener = (event: never) => void;

const REGISTRY_EVENT_TYPES: readonly (keyof RegistryEventMap)[] = [
  ...BREAKER_EVENT_TYPES,
  'recoveryPause',
  'recoveryResumed',
  'evicted',
  'warning',
];

/** A registry's listeners by event name: O(1) to add and to remove; a throwing listener becomes a `warning`. */
export class RegistryListeners {
  readonly #byType = new Map<string, Set<AnyListener>>();

  /** Adds a listener; returns the function that removes it and whether it is the first of its type. */
  add<K extends keyof RegistryEventMap>(
    type: K,
    listener: (event: RegistryEventMap[K]) => void,
  ): { readonly off: () => void; readonly first: boolean } {
    checkListener('registry', REGISTRY_EVENT_TYPES, type, listener);
    let set = this.#byType.get(type);
    const first = set === undefined;
    if (set === undefined) this.#byType.set(type, (set = new Set()));
    const fn = listener as AnyListener;
    set.add(fn);
    return { off: () => void set.delete(fn), first };
  }

  has(type: keyof RegistryEventMap): boolean {
    return this.#byType.has(type);
  }

  emit<K extends keyof RegistryEventMap>(type: K, event: RegistryEventMap[K]): void {
    const set = this.#byType.get(type);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as (event: RegistryEventMap[K]) => void)(event);
      } catch (error) {
        if (type !== 'warning')
          this.emit('warning', { type: 'warning', message: `tripstate: a ${type} listener threw`, error });
      }
    }
  }
}
