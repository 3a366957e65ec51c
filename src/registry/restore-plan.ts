import type { PersistedBreakerSnapshot } from '../snapshot.js';

/** A restored snapshot cut down to `maxTools`: what is kept, and how many tools were dropped. */
export interface RestorePlan {
  readonly kept: readonly (readonly [string, PersistedBreakerSnapshot])[];
  readonly dropped: number;
}

/** Worth keeping whatever the size: open, half-open, isolated, or closed with failures counted. */
const holdsState = (snapshot: PersistedBreakerSnapshot): boolean =>
  snapshot.value !== 'closed' || snapshot.context.failureCount > 0;

/**
 * Keeps every tool whose breaker holds state (the ones eviction never drops either) and, up to
 * `maxTools` in all, the closed tools listed last (a registry lists its tools oldest first);
 * drops the other closed tools, which a registry would have forgotten anyway.
 */
export function planRestore(
  tools: readonly (readonly [string, PersistedBreakerSnapshot])[],
  maxTools: number,
): RestorePlan {
  if (tools.length <= maxTools) return { kept: tools, dropped: 0 };
  let holding = 0;
  for (const [, snapshot] of tools) if (holdsState(snapshot)) holding++;
  let closedRoom = Math.max(0, maxTools - holding);
  const keep = new Array<boolean>(tools.length);
  for (let i = tools.length - 1; i >= 0; i--) {
    const snapshot = (tools[i] as readonly [string, PersistedBreakerSnapshot])[1];
    keep[i] = holdsState(snapshot) || (closedRoom > 0 && closedRoom-- > 0);
  }
  const kept = tools.filter((_, i) => keep[i]);
  return { kept, dropped: tools.length - kept.length };
}
