/** Which circuit guards a model in `breakerMiddleware`, and what it throws when it rejects. */
import type { Permit } from '../breaker.js';
import { withoutStack } from '../errors.js';
import type { Registry } from '../registry.js';
import { ModelCircuitOpenError } from './model-errors.js';

/** What the middleware reads of a circuit: its gate and, when it rejects, its diagnostics. */
export interface Circuit {
  readonly key: string | undefined;
  tryAcquire(): Permit | undefined;
  diagnostics(): { readonly state: string; readonly remainingBackoffMs: number | null };
}

/** The part of a `Breaker` the middleware uses. */
export interface MiddlewareBreaker {
  readonly tool?: string | undefined;
  tryAcquire(): Permit | undefined;
  diagnostics(): { readonly state: string; readonly remainingBackoffMs: number | null };
}

/** Which circuit guards the model: a registry's breaker under `key`, or one breaker. */
export type ModelCircuit =
  | { readonly registry: Pick<Registry, 'tryAcquire' | 'diagnostics'>; readonly key: string }
  | { readonly breaker: MiddlewareBreaker };

export function resolveCircuit(circuit: ModelCircuit): Circuit {
  if (typeof circuit !== 'object' || circuit === null) {
    throw new TypeError(
      `tripstate: breakerMiddleware() needs { registry, key } or { breaker }, got ${circuit === null ? 'null' : typeof circuit}`,
    );
  }
  if ('breaker' in circuit) {
    const { breaker } = circuit;
    if (typeof breaker?.tryAcquire !== 'function' || typeof breaker.diagnostics !== 'function') {
      throw new TypeError('tripstate: breakerMiddleware() option breaker must be a Breaker');
    }
    return {
      key: breaker.tool,
      tryAcquire: () => breaker.tryAcquire(),
      diagnostics: () => breaker.diagnostics(),
    };
  }
  const { registry: gate, key } = circuit as {
    readonly registry?: Partial<Pick<Registry, 'tryAcquire' | 'diagnostics'>> | null;
    readonly key?: unknown;
  };
  if (typeof gate?.tryAcquire !== 'function' || typeof gate.diagnostics !== 'function') {
    throw new TypeError('tripstate: breakerMiddleware() option registry must be a Registry');
  }
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError(
      `tripstate: breakerMiddleware() option key must be a non-empty string, got ${JSON.stringify(key) ?? typeof key}`,
    );
  }
  return { key, tryAcquire: () => gate.tryAcquire!(key), diagnostics: () => gate.diagnostics!(key) };
}

/** The model's name for messages: `provider/modelId`. */
export function modelName(model: { readonly provider?: unknown; readonly modelId?: unknown }): string {
  return `${String(model.provider)}/${String(model.modelId)}`;
}

/** The rejection of a call the circuit did not admit, read from the circuit now. */
export function rejection(circuit: Circuit, model: string): ModelCircuitOpenError {
  const { state, remainingBackoffMs } = circuit.diagnostics();
  const rejecting = state === 'halfOpen' || state === 'isolated' ? state : 'open';
  return withoutStack(
    () =>
      new ModelCircuitOpenError(
        rejecting,
        rejecting === 'open' ? remainingBackoffMs : null,
        circuit.key,
        model,
      ),
  );
}
