import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { z } from 'zod';
import { McpToolError, classifyMcpFailure, withMcpBreakers } from '../../src/adapters/mcp.js';
import { createRegistry, isBrokenCircuitError, type RegistryOptions } from '../../src/index.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** An in-process MCP server with a healthy tool, a failing tool and a tool that throws. */
async function connect(options: RegistryOptions = {}) {
  const server = new McpServer({ name: 'files', version: '1.0.0' });
  const calls = { read: 0, flaky: 0 };
  let flakyHealthy = false;
  server.registerTool('read', { inputSchema: { path: z.string() } }, ({ path }) => {
    calls.read++;
    return { content: [{ type: 'text', text: `contents of ${path}` }] };
  });
  server.registerTool('flaky', { inputSchema: {} }, () => {
    calls.flaky++;
    if (flakyHealthy) return { content: [{ type: 'text', text: 'ok' }] };
    return { content: [{ type: 'text', text: 'upstream unavailable' }], isError: true };
  });
  server.registerTool('crash', { inputSchema: {} }, () => {
    throw new Error('boom');
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'agent', version: '1.0.0' });
  await server.connect(serverSide);
  await client.connect(clientSide);
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  const registry = createRegistry({
    defaults: { failureThreshold: 2, minBackoffMs: 10_000, clock },
    ...options,
  });
  const heal = (): void => void (flakyHealthy = true);
  return { client, registry, clock, calls, heal };
}

describe('withMcpBreakers (Model Context Protocol)', () => {
  it('passes successful calls through and keeps the client usable', async () => {
    const { client, registry } = await connect();
    const guarded = withMcpBreakers(client, registry, { prefix: 'files/' });
    const result = await guarded.callTool({ name: 'read', arguments: { path: 'a.txt' } });
    expect(result.content).toEqual([{ type: 'text', text: 'contents of a.txt' }]);
    const { tools } = await guarded.listTools();
    expect(tools.map((t) => t.name)).toEqual(['read', 'flaky', 'crash']);
    expect(registry.state('files/read')).toBe('closed');
  });

  it('counts isError results as failures, opens the circuit and rejects without calling the server', async () => {
    const { client, registry, calls } = await connect();
    const guarded = withMcpBreakers(client, registry, { prefix: 'files/' });
    const first = await guarded.callTool({ name: 'flaky' });
    expect(first.isError).toBe(true);
    expect(registry.diagnostics('files/flaky')).toMatchObject({
      failureCount: 1,
      lastErrorCategory: 'execution_error',
    });
    await guarded.callTool({ name: 'flaky' });
    expect(registry.state('files/flaky')).toBe('open');

    const rejected = await guarded.callTool({ name: 'flaky' });
    expect(calls.flaky).toBe(2);
    expect(rejected).toEqual({
      content: [{ type: 'text', text: 'tool temporarily disabled, retry after 10 s' }],
      structuredContent: {
        error: 'tool_temporarily_disabled',
        tool: 'files/flaky',
        state: 'open',
        retryAfterSeconds: 10,
        message: 'tool temporarily disabled, retry after 10 s',
      },
      isError: true,
    });
    expect(registry.diagnostics('files/flaky').deniedRequests).toBe(1);
    // Other tools of the same server keep working.
    const read = await guarded.callTool({ name: 'read', arguments: { path: 'b' } });
    expect(read.isError).toBeFalsy();
  });

  it('probes once after the backoff and closes when the server recovers', async () => {
    const { client, registry, clock, heal } = await connect();
    const guarded = withMcpBreakers(client, registry);
    await guarded.callTool({ name: 'flaky' });
    await guarded.callTool({ name: 'flaky' });
    clock.increment(10_000);
    expect(registry.state('flaky')).toBe('halfOpen');
    heal();
    const probe = await guarded.callTool({ name: 'flaky' });
    expect(probe.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(registry.state('flaky')).toBe('closed');
  });

  it('settles the probe when a custom classify throws, so the circuit is never stuck half-open', async () => {
    const { client, registry, clock } = await connect();
    const guarded = withMcpBreakers(client, registry, {
      classify: () => {
        throw new Error('classifier bug');
      },
    });
    await guarded.callTool({ name: 'flaky' });
    await guarded.callTool({ name: 'flaky' });
    clock.increment(10_000);
    await guarded.callTool({ name: 'flaky' });
    expect(registry.diagnostics('flaky')).toMatchObject({ state: 'open', probesInFlight: 0, openCount: 2 });
  });

  it('throws the BrokenCircuitError with rejection: "throw"', async () => {
    const { client, registry } = await connect();
    const guarded = withMcpBreakers(client, registry, { rejection: 'throw' });
    await guarded.callTool({ name: 'crash' });
    await guarded.callTool({ name: 'crash' });
    const error: unknown = await guarded.callTool({ name: 'crash' }).catch((e: unknown) => e);
    expect(isBrokenCircuitError(error)).toBe(true);
    expect(error).toMatchObject({ state: 'open', tool: 'crash', remainingBackoffMs: 10_000 });
  });

  it('never trips on invalid arguments or unknown tools', async () => {
    const { client, registry, calls } = await connect();
    const guarded = withMcpBreakers(client, registry);
    for (let i = 0; i < 5; i++) {
      const bad = await guarded.callTool({ name: 'read', arguments: { path: 42 } });
      expect(bad.isError).toBe(true);
      const missing = await guarded.callTool({ name: 'nope' });
      expect(missing.isError).toBe(true);
    }
    expect(calls.read).toBe(0);
    expect(registry.diagnostics('read')).toMatchObject({ state: 'closed', failureCount: 0 });
    expect(registry.diagnostics('nope')).toMatchObject({ state: 'closed', failureCount: 0 });
  });

  it('lets a per-server prefix override configure every tool of that server', async () => {
    const { client, registry } = await connect({
      overrides: [{ prefix: 'files/', options: { failureThreshold: 1, minBackoffMs: 60_000 } }],
    });
    const files = withMcpBreakers(client, registry, { prefix: 'files/' });
    const other = withMcpBreakers(client, registry, { prefix: 'other/' });
    await files.callTool({ name: 'flaky' });
    await other.callTool({ name: 'flaky' });
    expect(registry.diagnostics('files/flaky')).toMatchObject({ state: 'open', remainingBackoffMs: 60_000 });
    expect(registry.diagnostics('other/flaky')).toMatchObject({ state: 'closed', failureCount: 1 });
  });

  it('records a thrown protocol error with its MCP category and rethrows it', async () => {
    const { registry } = await connect();
    const timeout = new McpError(ErrorCode.RequestTimeout, 'Request timed out');
    const fake = { callTool: () => Promise.reject(timeout) } as unknown as Client;
    const guarded = withMcpBreakers(fake, registry);
    await expect(guarded.callTool({ name: 'slow' })).rejects.toBe(timeout);
    expect(registry.diagnostics('slow')).toMatchObject({ failureCount: 1, lastErrorCategory: 'timeout' });
  });
});

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
