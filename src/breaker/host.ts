/** What a breaker may be placed in: the host (a registry) that owns its actor, and how it starts. */
import type { Actor } from 'xstate';
import type { BreakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerContext, BreakerInput } from '../../machines/breaker.types.js';
import type { ShareStatus } from '../share/types.js';
import type { Breaker } from './breaker.js';

/** What owns a breaker's actor (a registry): one object shared by all its breakers. @internal */
export interface BreakerHost {
  /** Has the host's chart spawn the breaker's actor with `input`, started; returns it. */
  spawnActor(breaker: Breaker, input: BreakerInput): Actor<BreakerMachine>;
  /** Called once the breaker's actor is spawned and its listeners attached. */
  adopt(breaker: Breaker): void;
  /** Stops the breaker's actor. */
  stopActor(breaker: Breaker, actor: Actor<BreakerMachine>): void;
  /** The breaker holds a batch that must be flushed (`breaker.flush()`) before any timer fires. */
  batching(breaker: Breaker): void;
  /** A listener of the breaker's `type` event threw `error`. */
  listenerThrew(breaker: Breaker, type: string, error: unknown): void;
  /** A call failed with a category that counts (a fleet share's outbox sends it to the fleet's count). */
  countedFailure?(breaker: Breaker): void;
  /** A call succeeded slowly (a fleet share then follows the tool's window). */
  slowSuccess?(breaker: Breaker): void;
}

/** How a registry places a breaker. @internal */
export interface ActorPlacement {
  readonly tool?: string;
  /** A persisted snapshot of unknown origin, validated before use. */
  readonly snapshot?: unknown;
  /** A context known to be valid (closed state): the breaker starts dormant, without an actor. */
  readonly dormant?: BreakerContext;
  readonly host?: BreakerHost;
  /** A standalone breaker's fleet share (`createBreaker({ share, name })`). */
  readonly fleet?: FleetHooks;
}

/** What a standalone breaker tells its fleet share link. @internal */
export interface FleetHooks {
  /** A call failed with a category that counts. */
  countedFailure(breaker: Breaker): void;
  /** A call succeeded slowly. */
  slowSuccess(breaker: Breaker): void;
  /** The breaker was stopped: the link ends its session. */
  stopped(): void;
  /** Resolves once the share's state is loaded or the share is found unreachable (`breaker.ready()`). */
  ready(): Promise<void>;
  /** `connected` or `degraded` (`breaker.shareStatus`). */
  status(): ShareStatus;
}
