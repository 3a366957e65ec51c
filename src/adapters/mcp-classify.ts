import type { ErrorCategory } from '../../machines/categories.js';

/** A tool result with `isError: true`, as a thrown value for classifiers. */
export class McpToolError extends Error {
  override readonly name = 'McpToolError';
  /** The registry key of the tool (prefix included). */
  readonly tool: string;
  /** The MCP tool result (`isError: true`). */
  readonly result: McpToolResultLike;

  constructor(tool: string, result: McpToolResultLike) {
    super(
      `MCP tool ${JSON.stringify(tool.slice(0, 200))} returned an error: ${resultText(result).slice(0, 500)}`,
    );
    this.tool = tool;
    this.result = result;
  }
}

/** The fields of an MCP `CallToolResult` the adapter reads. */
export interface McpToolResultLike {
  readonly isError?: boolean | undefined;
  readonly content?: readonly unknown[] | undefined;
  readonly [key: string]: unknown;
}

/** The text parts of a tool result, joined. */
export function resultText(result: McpToolResultLike): string {
  const parts: string[] = [];
  for (const part of Array.isArray(result.content) ? result.content : []) {
    const text = (part as { type?: unknown; text?: unknown } | null)?.text;
    if (typeof text === 'string') parts.push(text);
  }
  return parts.join('\n');
}

/** JSON-RPC error codes of the MCP SDK (`ErrorCode`). */
const CONNECTION_CLOSED = -32000;
const REQUEST_TIMEOUT = -32001;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;

/** What an SDK 2 `ProtocolError` -32602 says when the server does not know the tool. */
const UNKNOWN_TOOL = /^(MCP error -32602: )?Tool \S+ (not found|disabled)$/i;

function fromRpcCode(code: number, message: string): ErrorCategory | undefined {
  if (code === REQUEST_TIMEOUT) return 'timeout';
  if (code === CONNECTION_CLOSED) return 'network';
  if (code === METHOD_NOT_FOUND) return 'tool_not_found';
  if (code !== INVALID_PARAMS) return undefined;
  if (UNKNOWN_TOOL.test(message)) return 'tool_not_found';
  return /output/i.test(message) ? 'execution_error' : 'invalid_parameters';
}

/** The string codes of the MCP SDK 2's `SdkError` (`SdkErrorCode`) that name a category. */
const SDK_CODES: Readonly<Record<string, ErrorCategory>> = {
  REQUEST_TIMEOUT: 'timeout',
  CONNECTION_CLOSED: 'network',
  NOT_CONNECTED: 'network',
  SEND_FAILED: 'network',
};

function fromResultText(text: string): ErrorCategory | undefined {
  // The texts the SDK's `McpServer` puts in the result when it rejects a call itself.
  if (/^(MCP error -32602: )?Input validation error/i.test(text)) return 'invalid_parameters';
  if (UNKNOWN_TOOL.test(text)) return 'tool_not_found';
  return undefined;
}

/**
 * The MCP adapter's default classifier, consulted before the registry's own. It knows what
 * MCP adds to ordinary errors: JSON-RPC errors thrown by `callTool` (`RequestTimeout` →
 * `timeout`, `ConnectionClosed` → `network`, `MethodNotFound` → `tool_not_found`,
 * `InvalidParams` → `invalid_parameters`, or `tool_not_found` when it names an unknown tool as
 * SDK 2 servers do), the SDK 2's `SdkError` codes (`REQUEST_TIMEOUT` → `timeout`;
 * `CONNECTION_CLOSED`, `NOT_CONNECTED`, `SEND_FAILED` → `network`), and the `isError` results an `McpServer` sends
 * when it rejects the arguments (`invalid_parameters`) or does not know the tool
 * (`tool_not_found`). Anything else is undefined: the registry classifies it, so another
 * `isError` result (an `McpToolError`) is `execution_error` by default.
 */
export function classifyMcpFailure(error: unknown): ErrorCategory | undefined {
  if (error instanceof McpToolError) return fromResultText(resultText(error.result));
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return Object.hasOwn(SDK_CODES, code) ? SDK_CODES[code] : undefined;
  if (typeof code !== 'number' || code > -32000 || code < -32768) return undefined;
  return fromRpcCode(code, typeof message === 'string' ? message : '');
}
