import {
  Client,
  InMemoryTransport,
  ProtocolError,
  ProtocolErrorCode,
  SdkError,
  SdkErrorCode,
} from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { classifyMcpFailure } from '../../src/adapters/mcp.js';
import { mcpSuite, type McpSdk } from './mcp.suite.js';

mcpSuite({
  major: 2,
  Client,
  McpServer,
  InMemoryTransport,
  // SDK 2: callTool(params, options?)
  withOptions: (options: object) => [options],
} as unknown as McpSdk);

describe('classifyMcpFailure (MCP SDK 2 errors)', () => {
  it.each([
    [new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out'), 'timeout'],
    [new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed'), 'network'],
    [new SdkError(SdkErrorCode.NotConnected, 'Not connected'), 'network'],
    [new SdkError(SdkErrorCode.InvalidResult, 'x'), undefined],
    [new ProtocolError(ProtocolErrorCode.InvalidParams, 'Tool nope not found'), 'tool_not_found'],
    [new ProtocolError(ProtocolErrorCode.InvalidParams, 'Input validation error'), 'invalid_parameters'],
    [new ProtocolError(ProtocolErrorCode.MethodNotFound, 'x'), 'tool_not_found'],
    [new ProtocolError(ProtocolErrorCode.InternalError, 'x'), undefined],
  ])('%s → %s', (error, category) => {
    expect(classifyMcpFailure(error)).toBe(category);
  });
});
