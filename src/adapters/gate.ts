/**
 * What the adapters share: admission through a registry's non-throwing gate, the structured
 * result a model reads when a tool's circuit is open, and failure reporting.
 */
import type { ErrorCategory } from '../../machines/categories.js';
import type { Permit } from '../breaker.js';
import { abortCategory } from '../classify.js';
import type { Registry } from '../registry.js';

/** The part of a `Registry` the adapters use. */
export type RegistryGate = Pick<Registry, 'tryAcquire' | 'diagnostics'>;

/** The tool result a model receives instead of an exception when a tool's circuit rejects the call. */
export interface ToolDisabledResult {
  readonly error: 'tool_temporarily_disabled';
  /** The registry key of the tool (prefix included). */
  readonly tool: string;
  /** The circuit's state: `open`, `halfOpen` (a recovery probe is running) or `isolated`. */
  readonly state: 'open' | 'halfOpen' | 'isolated';
  /** Whole seconds before the tool admits a call again; null when unknown (half-open, isolated). */
  readonly retryAfterSeconds: number | null;
  /** A sentence for the model, e.g. `tool temporarily disabled, retry after 12 s`. */
  readonly message: string;
}

/** The structured result for a tool whose circuit rejected a call, read from the registry now. */
export function toolDisabledResult(registry: RegistryGate, tool: string): ToolDisabledResult {
  const { state, remainingBackoffMs } = registry.diagnostics(tool);
  const rejecting = state === 'closed' ? 'open' : state;
  const retryAfterSeconds =
    rejecting === 'open' && remainingBackoffMs !== null
      ? Math.max(1, Math.ceil(remainingBackoffMs / 1000))
      : null;
  const message =
    rejecting === 'isolated'
      ? 'tool disabled by the operator; do not retry it in this session'
      : retryAfterSeconds === null
        ? 'tool temporarily disabled while a recovery probe runs, retry shortly'
        : `tool temporarily disabled, retry after ${retryAfterSeconds} s`;
  return { error: 'tool_temporarily_disabled', tool, state: rejecting, retryAfterSeconds, message };
}

/** True for a `ToolDisabledResult` (e.g. an AI SDK tool output or an MCP `structuredContent`). */
export function isToolDisabledResult(value: unknown): value is ToolDisabledResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { error?: unknown }).error === 'tool_temporarily_disabled'
  );
}

/**
 * Reports a thrown value on a permit, which always settles: as `Breaker.execute` does,
 * `cancelled` (or `timeout` for a `TimeoutError` reason) when the caller's signal aborted;
 * else the category `categorize` names; else (also when `categorize` throws) the value
 * itself, which the registry classifies (its `classify` and `retryAfter` options).
 */
export function reportFailure(
  permit: Permit,
  error: unknown,
  signal: AbortSignal | undefined,
  categorize?: (error: unknown) => ErrorCategory | undefined,
): void {
  if (signal?.aborted === true) {
    permit.failure(abortCategory(signal));
    return;
  }
  let category: ErrorCategory | undefined;
  try {
    category = categorize?.(error);
  } catch {
    category = undefined;
  }
  // A thrown string is a value to classify, not a category name (which `failure` would demand).
  permit.failure(category ?? (typeof error === 'string' ? new Error(error) : error));
}
