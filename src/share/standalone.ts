/** `createBreaker({ share, name })`: one breaker in a fleet, under its name. */
import { Breaker } from '../breaker/breaker.js';
import type { BreakerOptions } from '../options.js';
import { FleetLink } from './link.js';
import { breakerTarget, checkShare } from './targets.js';

/** A standalone breaker linked to `share` under `name`. Throws a TypeError for a missing share or name. @internal */
export function sharedBreaker(
  options: BreakerOptions,
  snapshot: unknown,
  share: unknown,
  name: unknown,
): Breaker {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(
      `tripstate: createBreaker with a share needs a name (a non-empty string), got ${typeof name}`,
    );
  }
  const fleetShare = checkShare(share);
  const hooks: { link?: FleetLink } = {};
  const breaker = new Breaker(options, {
    snapshot,
    tool: name,
    fleet: {
      countedFailure: (b) => hooks.link?.failed(b),
      slowSuccess: (b) => hooks.link?.slowSuccess(b),
      stopped: () => void hooks.link?.stop(),
      ready: () => hooks.link?.ready ?? Promise.resolve(),
      status: () => hooks.link?.status ?? 'degraded',
    },
  });
  const clock = options.clock;
  const now = clock?.now ? () => (clock.now as () => number)() : Date.now;
  hooks.link = new FleetLink(breakerTarget(breaker, name, now), fleetShare);
  return breaker;
}
