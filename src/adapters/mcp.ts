/**
 * `tripstate/mcp`: circuit breakers for Model Context Protocol clients: the `Client` of the
 * MCP SDK 1 (`@modelcontextprotocol/sdk`) or 2 (`@modelcontextprotocol/client`), both optional
 * peer dependencies. Nothing from either is loaded, and no type of theirs is needed.
 */
import type { ErrorCategory } from '../../machines/categories.js';
import { BrokenCircuitError, IsolatedCircuitError } from '../errors.js';
import { reportFailure, toolDisabledResult, type RegistryGate, type ToolDisabledResult } from './gate.js';
import { McpToolError, classifyMcpFailure, type McpToolResultLike } from './mcp-classify.js';

export { McpToolError, classifyMcpFailure, resultText } from './mcp-classify.js';
export type { McpToolResultLike } from './mcp-classify.js';
export { isToolDisabledResult, toolDisabledResult } from './gate.js';
export type { RegistryGate, ToolDisabledResult } from './gate.js';

/** The `callTool` parameters the adapter reads. */
export interface McpCallToolParams {
  readonly name: string;
  readonly arguments?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * What the adapter needs of a client: `callTool(params, ...)` (the `Client` of SDK 1, whose
 * `callTool(params, resultSchema?, options?)`, and of SDK 2, whose `callTool(params, options?)`).
 */
export interface McpToolCaller {
  callTool(params: McpCallToolParams, ...rest: never[]): Promise<object>;
}

/** Options of `withMcpBreakers`. */
export interface WithMcpBreakersOptions {
  /** Prepended to each tool's name to make its registry key, one per server (e.g. `'github/'`). @default '' */
  readonly prefix?: string;
  /**
   * What a rejected call does: resolve to an `isError` tool result whose `structuredContent`
   * is a `ToolDisabledResult` (the model can read it), or throw the `BrokenCircuitError`.
   * @default 'result'
   */
  readonly rejection?: 'result' | 'throw';
  /**
   * Category of a failure (a thrown value, or an `McpToolError` for an `isError` result), or
   * undefined to let the registry's `classify` decide.
   * @default classifyMcpFailure
   */
  readonly classify?: (error: unknown) => ErrorCategory | undefined;
}

type CallTool = (params: McpCallToolParams, ...rest: unknown[]) => Promise<object>;
type CallToolResult = McpToolResultLike;

/** The request options' signal: the 3rd argument in SDK 1 (after a result schema), the 2nd in SDK 2. */
function signalOf(rest: readonly unknown[]): AbortSignal | undefined {
  for (const options of rest.slice(0, 2)) {
    if (typeof options !== 'object' || options === null || !('signal' in options)) continue;
    const signal = (options as { signal?: unknown }).signal;
    if (signal instanceof AbortSignal) return signal;
  }
  return undefined;
}

function rejected(disabled: ToolDisabledResult, rejection: 'result' | 'throw'): CallToolResult {
  if (rejection === 'throw') {
    const seconds = disabled.retryAfterSeconds;
    throw disabled.state === 'isolated'
      ? new IsolatedCircuitError(disabled.tool)
      : new BrokenCircuitError(disabled.state, seconds === null ? null : seconds * 1000, disabled.tool);
  }
  return {
    content: [{ type: 'text', text: disabled.message }],
    structuredContent: { ...disabled },
    isError: true,
  };
}

function guardCallTool(
  client: McpToolCaller,
  registry: RegistryGate,
  options: WithMcpBreakersOptions,
): CallTool {
  const prefix = options.prefix ?? '';
  const rejection = options.rejection ?? 'result';
  const classify = options.classify ?? classifyMcpFailure;
  return async (params, ...rest) => {
    const key = `${prefix}${params.name}`;
    const permit = registry.tryAcquire(key);
    if (permit === undefined) return rejected(toolDisabledResult(registry, key), rejection);
    const signal = signalOf(rest);
    let result: CallToolResult;
    try {
      result = (await (client.callTool as CallTool).call(client, params, ...rest)) as CallToolResult;
    } catch (error) {
      reportFailure(permit, error, signal, classify);
      throw error;
    }
    if (result.isError === true) {
      reportFailure(permit, new McpToolError(key, result), signal, classify);
    } else {
      permit.success();
    }
    return result;
  };
}

/**
 * Wraps an MCP client so `callTool` goes through `registry`, one breaker per tool under the
 * key `${prefix}${name}` (a per-server prefix lets registry `overrides` with that prefix
 * configure a whole server). A result with `isError: true` counts as a failure, classified
 * by `options.classify` and then the registry; it is returned unchanged. A thrown error is
 * recorded and rethrown. When the circuit rejects, the server is not called: the call
 * resolves to an `isError` result carrying a `ToolDisabledResult` (or throws, with
 * `rejection: 'throw'`). Returns a proxy of `client`; the client itself is not modified.
 *
 * @example
 * const github = withMcpBreakers(client, registry, { prefix: 'github/' });
 * const result = await github.callTool({ name: 'search_issues', arguments: { q } });
 */
export function withMcpBreakers<C extends McpToolCaller>(
  client: C,
  registry: RegistryGate,
  options: WithMcpBreakersOptions = {},
): C {
  const callTool = guardCallTool(client, registry, options);
  type Method = (...args: unknown[]) => unknown;
  const bound = new WeakMap<Method, Method>();
  return new Proxy(client, {
    get(target, property) {
      if (property === 'callTool') return callTool;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(value as Method);
      if (method === undefined) {
        method = (value as Method).bind(target);
        bound.set(value as Method, method);
      }
      return method;
    },
  });
}
