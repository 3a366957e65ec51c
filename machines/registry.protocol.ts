/**
 * The registry chart's tool events: what lets a user's own machine drive a registry with events
 * alone, no runtime class. A `tool.request` is answered to its `replyTo` by the tool's breaker
 * (`tool.admitted` with the generation, or `tool.rejected` with the state and the backoff left);
 * outcomes carry that generation back; the registry emits its breakers' `opened`, `halfOpened`,
 * `isolated` and `closed` with the tool's name, and counts its open circuits from them.
 *
 *   tool.* ──▶ routeToolEvent ──▶ the tool's breaker (found by its systemId), as call.* / breaker.*
 *            └─(no breaker yet, a request or an isolation)─▶ breaker.spawn { first: the event }
 *   breaker.reported (relayed by the shard) ──▶ emitReported, countReported
 *
 * Time: each tool event may carry `at` (epoch milliseconds); without it `routeToolEvent` stamps
 * it with `Date.now()`. An actor run on a simulated clock passes `at` from that clock.
 */
import type { AnyActorRef } from 'xstate';
import type { BreakerConfig, BreakerEmitted, BreakerEvent } from './breaker.types.js';
import { isErrorCategory, type ErrorCategory } from './categories.js';

/** The events a user's machine sends a registry actor to drive its tools. */
export type RegistryToolEvent =
  | {
      readonly type: 'tool.request';
      readonly tool: string;
      /** Who gets the answer: `tool.admitted` or `tool.rejected`. */
      readonly replyTo: AnyActorRef;
      readonly at?: number;
    }
  | {
      readonly type: 'tool.succeeded';
      readonly tool: string;
      /** The generation of the `tool.admitted` answer. */
      readonly generation: number;
      readonly at?: number;
      /** Milliseconds the call took (for the slow-call rule of a windowed breaker). */
      readonly durationMs?: number;
    }
  | {
      readonly type: 'tool.failed';
      readonly tool: string;
      readonly generation: number;
      readonly category: ErrorCategory;
      /** Milliseconds the tool asked to wait (Retry-After): the opening lasts at least this long. */
      readonly retryAfterMs?: number;
      readonly at?: number;
      readonly durationMs?: number;
    }
  | {
      readonly type: 'tool.released';
      readonly tool: string;
      readonly generation: number;
      readonly at?: number;
    }
  | { readonly type: 'tool.reset'; readonly tool: string; readonly at?: number }
  | { readonly type: 'tool.isolate'; readonly tool: string; readonly at?: number }
  | { readonly type: 'tool.release'; readonly tool: string; readonly at?: number };

/** A breaker's emitted event, relayed to the registry by the shard that spawned it. */
export interface BreakerReported {
  readonly type: 'breaker.reported';
  readonly tool: string;
  readonly event: ReportedEvent;
  /** +1: the circuit now counts as open (opened, isolated); -1: no longer (half-open, closed); 0: no change. */
  readonly openDelta: -1 | 0 | 1;
}

/** The breaker events a registry emits again, with the tool. */
export type ReportedEvent = Extract<
  BreakerEmitted,
  { type: 'opened' | 'halfOpened' | 'isolated' | 'closed' }
>;

/** What the registry emits for its tools: the breaker's event and the tool's name. */
export type ToolEmitted = ReportedEvent & { readonly tool: string };

/** What the registry emits for a tool event it drops: what was wrong with it. */
export interface ToolEventWarning {
  readonly type: 'warning';
  readonly message: string;
}

const isTime = (value: unknown): boolean =>
  value === undefined || (typeof value === 'number' && Number.isFinite(value));
const isGeneration = (value: unknown): boolean => Number.isSafeInteger(value);
const isDuration = (value: unknown): boolean =>
  value === undefined || (typeof value === 'number' && Number.isFinite(value) && value >= 0);

/** What is wrong with an outcome's generation or duration, or undefined. */
function outcomeProblem(named: string, generation: unknown, durationMs: unknown): string | undefined {
  if (!isGeneration(generation)) return `${named} needs the generation of its tool.admitted`;
  return isDuration(durationMs) ? undefined : `${named}: durationMs must be a number of milliseconds >= 0`;
}

/**
 * What is wrong with a tool event a user's machine sent, or undefined when nothing is: the
 * registry drops such an event and emits a `warning` saying why, instead of failing.
 */
export function toolEventProblem(event: RegistryToolEvent): string | undefined {
  const { tool } = event as { tool: unknown };
  if (typeof tool !== 'string' || tool === '') return `${event.type} needs a tool name (a non-empty string)`;
  const named = `${event.type} for ${JSON.stringify(tool.slice(0, 200))}`;
  if (!isTime(event.at)) return `${named}: at must be a finite number of epoch milliseconds`;
  switch (event.type) {
    case 'tool.request': {
      const replyTo = event.replyTo as unknown;
      const canReply =
        typeof replyTo === 'object' &&
        replyTo !== null &&
        typeof (replyTo as { send?: unknown }).send === 'function';
      return canReply ? undefined : `${named} needs replyTo, the actor to answer`;
    }
    case 'tool.failed':
      if (!isErrorCategory(event.category))
        return `${named}: unknown error category ${JSON.stringify(event.category)}`;
      if (!isDuration(event.retryAfterMs))
        return `${named}: retryAfterMs must be a number of milliseconds >= 0`;
      return outcomeProblem(named, event.generation, event.durationMs);
    case 'tool.succeeded':
      return outcomeProblem(named, event.generation, event.durationMs);
    case 'tool.released':
      return outcomeProblem(named, event.generation, undefined);
    default:
      return undefined;
  }
}

/** What a shard needs to spawn a breaker for the tool events (on `breaker.spawn`). */
export interface ToolSpawn {
  /** The breaker's systemId: how the registry finds it again. */
  readonly systemId: string;
  /** The event that made the registry spawn it: sent once it has started. */
  readonly first: BreakerEvent;
}

/** The breaker configuration of the tool events: one for every tool, and overrides by tool. */
export interface ToolConfigs {
  /** The configuration of every tool without its own (`resolveBreakerConfig(options)`). */
  readonly breaker?: BreakerConfig;
  /** Configurations of single tools. */
  readonly tools?: Readonly<Record<string, BreakerConfig>>;
}

/** The systemId of `tool`'s breaker in the registry actor `registry` (unique in its actor system). */
export const breakerSystemId = (registry: AnyActorRef, tool: string): string =>
  `tripstate.breaker:${registry.sessionId}:${tool}`;

/** A tool event without a breaker for the tool brings one to life: a request, an isolation. */
export const spawnsBreaker = (event: RegistryToolEvent): boolean =>
  event.type === 'tool.request' || event.type === 'tool.isolate';

/** The configuration `tool`'s breaker starts with; a clear error without one. */
export function toolConfig(configs: ToolConfigs, tool: string): BreakerConfig {
  const config =
    (configs.tools !== undefined && Object.hasOwn(configs.tools, tool) ? configs.tools[tool] : undefined) ??
    configs.breaker;
  if (config === undefined) {
    throw new TypeError(
      `tripstate: registryMachine got a tool event for ${JSON.stringify(tool.slice(0, 200))} but its input has no breaker configuration (input.breaker: resolveBreakerConfig(options))`,
    );
  }
  return config;
}

/** The breaker chart's event for a tool event at `at`. */
export function breakerEventOf(event: RegistryToolEvent, at: number): BreakerEvent {
  switch (event.type) {
    case 'tool.request':
      return { type: 'call.requested', at, replyTo: event.replyTo, tool: event.tool };
    case 'tool.succeeded':
      return {
        type: 'call.succeeded',
        generation: event.generation,
        at,
        ...(event.durationMs === undefined ? {} : { durationMs: event.durationMs }),
      };
    case 'tool.failed':
      return {
        type: 'call.failed',
        generation: event.generation,
        category: event.category,
        at,
        ...(event.retryAfterMs === undefined ? {} : { retryAfterMs: event.retryAfterMs }),
        ...(event.durationMs === undefined ? {} : { durationMs: event.durationMs }),
      };
    case 'tool.released':
      return { type: 'call.released', generation: event.generation, at };
    case 'tool.reset':
      return { type: 'breaker.reset', at };
    case 'tool.isolate':
      return { type: 'breaker.isolate', at };
    case 'tool.release':
      return { type: 'breaker.release', at };
  }
}

/** How an emitted breaker event changes the count of open circuits, given whether the tool counted as open. */
export function openDeltaOf(event: ReportedEvent, countedOpen: boolean): -1 | 0 | 1 {
  const opens = event.type === 'opened' || event.type === 'isolated';
  if (opens) return countedOpen ? 0 : 1;
  return countedOpen ? -1 : 0;
}

/** True for the breaker events a registry emits again with the tool. */
export const isReported = (event: BreakerEmitted): event is ReportedEvent =>
  event.type === 'opened' ||
  event.type === 'halfOpened' ||
  event.type === 'isolated' ||
  event.type === 'closed';
