/**
 * `tripstate/ai`: circuit breakers for the Vercel AI SDK (6 and 7): its tools
 * (`withBreakers`), its language models (`breakerMiddleware`) and the tools offered to the
 * model at each step (`activeToolsFor`, `breakerPrepareStep`). Needs the optional peer
 * dependency `ai` (types only: nothing from it is loaded at run time).
 */
import type { Tool, ToolExecutionOptions, ToolSet } from 'ai';
import type { Permit } from '../breaker.js';
import { reportFailure, toolDisabledResult, type RegistryGate, type ToolDisabledResult } from './gate.js';

export { isToolDisabledResult, toolDisabledResult } from './gate.js';
export type { RegistryGate, ToolDisabledResult } from './gate.js';
export { breakerMiddleware } from './model-middleware.js';
export type { MiddlewareBreaker, ModelCircuit } from './model-circuit.js';
export type { BreakerMiddlewareOptions } from './model-options.js';
export { ModelCircuitOpenError, StreamTimeoutError } from './model-errors.js';
export type { StreamTimeoutPhase } from './model-errors.js';
export { selfGuarded } from './self-guarded.js';
export { activeToolsFor, breakerPrepareStep } from './active-tools.js';
export type { ActiveToolsOptions, ActiveToolsRegistry, ToolNames } from './active-tools.js';

/** Options of `withBreakers`. */
export interface WithBreakersOptions {
  /** Prepended to each tool's name to make its registry key (e.g. `'ai:'`). @default '' */
  readonly prefix?: string;
  /**
   * What the model receives when a tool's circuit rejects the call.
   * @default the `ToolDisabledResult` itself
   */
  readonly onDisabled?: (result: ToolDisabledResult) => unknown;
}

type Execute = (input: unknown, options: ToolExecutionOptions) => unknown;

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** Streams a tool's preliminary outputs, settling the permit when the stream ends. */
async function* guardStream(
  stream: AsyncIterable<unknown>,
  permit: Permit,
  signal: AbortSignal | undefined,
): AsyncGenerator<unknown> {
  try {
    yield* stream;
    permit.success();
  } catch (error) {
    reportFailure(permit, error, signal);
    throw error;
  } finally {
    // A consumer that stopped early got no result: give the admission back.
    permit.release();
  }
}

function guardExecute(
  execute: Execute,
  key: string,
  registry: RegistryGate,
  onDisabled: (result: ToolDisabledResult) => unknown,
): Execute {
  return (input, options) => {
    const permit = registry.tryAcquire(key);
    if (permit === undefined) return onDisabled(toolDisabledResult(registry, key));
    const signal = options?.abortSignal;
    let output: unknown;
    try {
      output = execute(input, options);
    } catch (error) {
      reportFailure(permit, error, signal);
      throw error;
    }
    if (isAsyncIterable(output)) return guardStream(output, permit, signal);
    return Promise.resolve(output).then(
      (value) => {
        permit.success();
        return value;
      },
      (error: unknown) => {
        reportFailure(permit, error, signal);
        throw error;
      },
    );
  };
}

/**
 * Wraps an AI SDK tool set so each tool's `execute` runs through `registry` under its name
 * (with `options.prefix`). A thrown error is classified by the registry (its `classify`
 * option, `classifyError` by default), counted, and rethrown unchanged, so the AI SDK
 * reports it to the model as a tool error. When the circuit rejects the call, `execute`
 * is not called and the model receives a structured result instead of an exception:
 * `{ error: 'tool_temporarily_disabled', tool, state, retryAfterSeconds, message }`.
 * Tools without `execute` are returned as they are; the input set is not modified. The
 * returned set keeps the input's type: test an output with `isToolDisabledResult`.
 *
 * @example
 * const tools = withBreakers({ weather: tool({ inputSchema, execute }) }, registry);
 * await generateText({ model, tools, prompt, stopWhen: stepCountIs(5) });
 */
export function withBreakers<TOOLS extends ToolSet>(
  tools: TOOLS,
  registry: RegistryGate,
  options: WithBreakersOptions = {},
): TOOLS {
  const prefix = options.prefix ?? '';
  const onDisabled = options.onDisabled ?? ((result: ToolDisabledResult) => result);
  const wrapped: Record<string, Tool> = {};
  for (const [name, original] of Object.entries(tools) as [string, Tool][]) {
    const execute = original.execute as Execute | undefined;
    wrapped[name] =
      typeof execute === 'function'
        ? { ...original, execute: guardExecute(execute, `${prefix}${name}`, registry, onDisabled) }
        : original;
  }
  return wrapped as TOOLS;
}
