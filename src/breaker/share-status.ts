/**
 * A breaker's view of its fleet share (`createBreaker({ share, name })`): `ready()` and
 * `shareStatus`, as a registry has them. Without a share, `ready()` resolves at once and
 * `shareStatus` is undefined.
 */
import type { ShareStatus } from '../share/types.js';
import { BreakerLifecycle } from './lifecycle.js';

/** The share surface of a breaker. @internal */
export abstract class BreakerShareStatus extends BreakerLifecycle {
  /**
   * With a `share`: resolves once the fleet's state of this breaker's name is loaded (an open or
   * isolated circuit is taken), or once the share is found unreachable (`shareStatus` is then
   * `'degraded'`). Never rejects. Without a share: resolves at once.
   */
  ready(): Promise<void> {
    return this.fleet?.ready() ?? Promise.resolve();
  }

  /**
   * With a `share`: `'connected'`, or `'degraded'` while the share cannot be reached (the breaker
   * decides alone; also before the share first answered). Undefined without a share.
   */
  get shareStatus(): ShareStatus | undefined {
    return this.fleet?.status();
  }
}
