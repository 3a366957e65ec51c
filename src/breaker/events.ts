/** The breaker's events: their payloads by name, their names, and how a listener is checked and kept. */
import type { BreakerEmitted } from '../../machines/breaker.types.js';

/** Payloads of the breaker's events, by name. */
export type BreakerEventMap = {
  readonly [K in BreakerEmitted['type']]: Extract<BreakerEmitted, { type: K }>;
};

/** The events a breaker emits. */
export const BREAKER_EVENT_TYPES: readonly (keyof BreakerEventMap)[] = [
  'opened',
  'halfOpened',
  'closed',
  'isolated',
  'rejected',
  'healthCheckStarted',
];

/** Throws a TypeError for an event name not in `types` or a listener that is not a function. @internal */
export function checkListener(
  what: string,
  types: readonly string[],
  type: unknown,
  listener: unknown,
): void {
  if (typeof type !== 'string' || !types.includes(type)) {
    throw new TypeError(
      `tripstate: unknown ${what} event ${JSON.stringify(type)}; one of ${types.join(', ')}`,
    );
  }
  if (typeof listener !== 'function') {
    throw new TypeError(`tripstate: a ${what} ${type} listener must be a function, got ${typeof listener}`);
  }
}

/** `listener`, made so that an error it throws goes to `threw`, not to the emitter. @internal */
export function guarded(
  listener: (event: BreakerEmitted) => void,
  threw: (error: unknown) => void,
): (event: BreakerEmitted) => void {
  return (event) => {
    try {
      listener(event);
    } catch (error) {
      threw(error);
    }
  };
}

/** A subscribed listener, and how to detach it from the actor it is attached to. @internal */
export type Listener = {
  readonly type: keyof BreakerEventMap;
  readonly fn: (event: BreakerEmitted) => void;
  off?: () => void;
};
