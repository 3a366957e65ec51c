import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { McpToolError, classifyMcpFailure } from '../../src/adapters/mcp.js';
import { mcpSuite, type McpSdk } from './mcp.suite.js';

mcpSuite({
  major: 1,
  Client,
  McpServer,
  InMemoryTransport,
  // SDK 1: callTool(params, resultSchema?, options?)
  withOptions: (options: object) => [undefined, options],
} as unknown as McpSdk);

describe('classifyMcpFailure', () => {
  const result = (text: string) =>
    new McpToolError('t', { content: [{ type: 'text', text }], isError: true });

  it.each([
    [new McpError(ErrorCode.RequestTimeout, 'x'), 'timeout'],
    [new McpError(ErrorCode.ConnectionClosed, 'x'), 'network'],
    [new McpError(ErrorCode.MethodNotFound, 'x'), 'tool_not_found'],
    [new McpError(ErrorCode.InvalidParams, 'Input validation error'), 'invalid_parameters'],
    [
      new McpError(ErrorCode.InvalidParams, "Structured content does not match the tool's output schema"),
      'execution_error',
    ],
    [new McpError(ErrorCode.InternalError, 'x'), undefined],
    [
      result('MCP error -32602: Input validation error: Invalid arguments for tool read'),
      'invalid_parameters',
    ],
    [result('MCP error -32602: Tool nope not found'), 'tool_not_found'],
    [result('upstream unavailable'), undefined],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), undefined],
    ['a string', undefined],
  ])('%s → %s', (error, category) => {
    expect(classifyMcpFailure(error)).toBe(category);
  });
});
