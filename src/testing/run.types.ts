/** What `runBreakerPath` takes and reports. */
import type { Breaker } from '../breaker.js';
import type { PersistedBreakerSnapshot } from '../snapshot.js';
import type { TestClock } from './clock.js';

/** How `runBreakerPath` builds and observes the breaker under test. */
export interface BreakerPathRunOptions {
  /**
   * Creates the breaker under test with `clock` (pass it as the `clock` option) and the
   * model's options, and, when `snapshot` is given, restores it (`createBreaker({ snapshot })`).
   * Wire it as your runtime does; its `jitter` must be 0.
   */
  readonly create: (clock: TestClock, snapshot?: PersistedBreakerSnapshot) => Breaker;
  /**
   * Listen to `rejected` with `breaker.on`, which makes the runtime send every rejection to
   * the machine; by default rejections are observed on the actor and stay batched.
   * @default false
   */
  readonly perRejection?: boolean;
  /** Called with a line per step, e.g. `console.log`. */
  readonly log?: (line: string) => void;
}

/** What `runBreakerPath` did. */
export interface BreakerPathReport {
  /** Steps executed (the initial state not counted). */
  readonly steps: number;
  /**
   * Edges of `breakerMachine` the model took, named as `machineGraphKeys` names them
   * (a timer event as the `after` transition it replaces).
   */
  readonly edges: ReadonlySet<string>;
  /** State node ids the model was in, e.g. `breaker.halfOpen.probing`. */
  readonly states: ReadonlySet<string>;
}
