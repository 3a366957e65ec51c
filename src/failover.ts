/**
 * Provider failover: the first provider whose circuit admits the call and whose call
 * succeeds, e.g. a primary LLM provider and its fallbacks.
 */
import type { BreakerState } from '../machines/breaker.types.js';
import { hasBrand, isBrokenCircuitError } from './errors.js';
import type { Registry } from './registry.js';

/** The part of a `Registry` that `firstAvailable` uses. */
export type FailoverRegistry = Pick<Registry, 'execute'>;

/** One provider that did not answer: its circuit rejected the call, or the call failed. */
export type ProviderAttempt =
  | {
      readonly provider: string;
      readonly outcome: 'skipped';
      /** The state that rejected the call. */
      readonly state: Exclude<BreakerState, 'closed'>;
      /** Milliseconds before the provider admits a probe; null when not open. */
      readonly remainingBackoffMs: number | null;
      readonly error: unknown;
    }
  | { readonly provider: string; readonly outcome: 'failed'; readonly error: unknown };

/** Options of `firstAvailable`. */
export interface FailoverOptions {
  /** The caller's cancellation: passed to each call; once aborted, no further provider is tried. */
  readonly signal?: AbortSignal | undefined;
  /** Called after each provider that did not answer, before the next one is tried. */
  readonly onFailover?: (attempt: ProviderAttempt) => void;
  /**
   * Whether a failed call may be retried on the next provider; when false, its error is
   * rethrown as it is (e.g. a request no provider would accept). Recorded either way.
   * @default always
   */
  readonly shouldFailover?: (error: unknown, provider: string) => boolean;
}

const NONE = Symbol.for('tripstate.NoProviderAvailableError');

function describe(attempt: ProviderAttempt): string {
  if (attempt.outcome === 'skipped') {
    const wait = attempt.remainingBackoffMs;
    const state = attempt.state === 'halfOpen' ? 'half-open, probe in flight' : attempt.state;
    return `${attempt.provider}: circuit ${state}${wait === null ? '' : `, retry in ${Math.ceil(wait / 1000)} s`}`;
  }
  const { error } = attempt;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `${attempt.provider}: failed (${message.slice(0, 200)})`;
}

/** Thrown by `firstAvailable` when no provider answered; `attempts` says why, provider by provider. */
export class NoProviderAvailableError extends AggregateError {
  override readonly name = 'NoProviderAvailableError';
  /** Every provider tried, in order, with why it did not answer. */
  readonly attempts: readonly ProviderAttempt[];
  readonly [NONE] = true;

  constructor(attempts: readonly ProviderAttempt[]) {
    super(
      attempts.map((a) => a.error),
      attempts.length === 0
        ? 'tripstate: no provider available: no providers given'
        : `tripstate: no provider available: ${attempts.map(describe).join('; ')}`,
    );
    this.attempts = attempts;
  }
}

/** True for a `NoProviderAvailableError`, also from another copy of tripstate. */
export function isNoProviderAvailableError(error: unknown): error is NoProviderAvailableError {
  return hasBrand(error, NONE);
}

/**
 * Calls `call(provider, signal)` for each provider in order, through the registry's breaker
 * of that name, and resolves with the first success. A provider whose circuit is open is
 * skipped without being called; each call's outcome is recorded by the registry (so a
 * failing primary opens and stops being tried until its backoff ends). Throws a
 * `NoProviderAvailableError` naming every provider and why when none answers. Once
 * `options.signal` aborts no further provider is tried: it throws what the aborted call threw
 * (or the abort reason, when the signal aborted between two providers).
 *
 * `call` gets the provider's name typed as one of `providers` (so `models[provider]` indexes a
 * record keyed by them under `noUncheckedIndexedAccess`) and the call's signal, always present.
 *
 * @example
 * const text = await firstAvailable(registry, ['llm:openai', 'llm:anthropic'], (provider, signal) =>
 *   complete(models[provider], prompt, { signal }),
 * );
 */
export async function firstAvailable<T, P extends string = string>(
  registry: FailoverRegistry,
  providers: readonly P[],
  call: (provider: P, signal: AbortSignal) => T | PromiseLike<T>,
  options: FailoverOptions = {},
): Promise<Awaited<T>> {
  const { signal } = options;
  const attempts: ProviderAttempt[] = [];
  for (const provider of providers) {
    signal?.throwIfAborted();
    try {
      return await registry.execute(provider, (s) => call(provider, s), { signal });
    } catch (error) {
      if (signal?.aborted === true) throw error;
      const attempt: ProviderAttempt =
        isBrokenCircuitError(error) && (error.tool === undefined || error.tool === provider)
          ? {
              provider,
              outcome: 'skipped',
              state: error.state,
              remainingBackoffMs: error.remainingBackoffMs,
              error,
            }
          : { provider, outcome: 'failed', error };
      if (attempt.outcome === 'failed' && options.shouldFailover?.(error, provider) === false) throw error;
      attempts.push(attempt);
      options.onFailover?.(attempt);
    }
  }
  throw new NoProviderAvailableError(attempts);
}
