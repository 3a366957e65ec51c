/** withMcpBreakers against one major of the MCP SDK, with an in-memory server of that major. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { z } from 'zod';
import { withMcpBreakers, type McpCallToolParams } from '../../src/adapters/mcp.js';
import { createRegistry, isBrokenCircuitError, type RegistryOptions } from '../../src/index.js';

/** What the tests use of an MCP tool result. */
interface Result {
  readonly content?: unknown;
  readonly isError?: boolean | undefined;
  readonly structuredContent?: unknown;
}

/** What the tests use of a client (SDK 1 and 2 alike). */
export interface TestClient {
  callTool(params: McpCallToolParams, ...rest: never[]): Promise<Result>;
  listTools(): Promise<{ tools: { name: string }[] }>;
  close(): Promise<void>;
}

/** What the tests use of a server. */
interface TestServer {
  registerTool(name: string, config: { inputSchema: unknown }, handler: (input: never) => unknown): unknown;
  connect(transport: unknown): Promise<void>;
  close(): Promise<void>;
}

/** One major of the MCP SDK: its client, server and in-memory transport. */
export interface McpSdk {
  readonly major: number;
  readonly Client: new (info: {
    name: string;
    version: string;
  }) => TestClient & { connect(t: unknown): Promise<void> };
  readonly McpServer: new (info: { name: string; version: string }) => TestServer;
  readonly InMemoryTransport: { createLinkedPair(): [unknown, unknown] };
  /** The arguments after `params` that give `callTool` request options. */
  readonly withOptions: (options: { signal?: AbortSignal; timeout?: number }) => unknown[];
}

export function mcpSuite(sdk: McpSdk): void {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** An in-process MCP server with a healthy tool, a failing tool and a tool that throws. */
  async function connect(options: RegistryOptions = {}) {
    const server = new sdk.McpServer({ name: 'files', version: '1.0.0' });
    const calls = { read: 0, flaky: 0 };
    let flakyHealthy = false;
    server.registerTool(
      'read',
      { inputSchema: z.object({ path: z.string() }) },
      ({ path }: { path: string }) => {
        calls.read++;
        return { content: [{ type: 'text', text: `contents of ${path}` }] };
      },
    );
    server.registerTool('flaky', { inputSchema: z.object({}) }, () => {
      calls.flaky++;
      if (flakyHealthy) return { content: [{ type: 'text', text: 'ok' }] };
      return { content: [{ type: 'text', text: 'upstream unavailable' }], isError: true };
    });
    server.registerTool('crash', { inputSchema: z.object({}) }, () => {
      throw new Error('boom');
    });
    server.registerTool('hang', { inputSchema: z.object({}) }, () => new Promise(() => undefined));
    const [clientSide, serverSide] = sdk.InMemoryTransport.createLinkedPair();
    const client = new sdk.Client({ name: 'agent', version: '1.0.0' });
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

  describe(`withMcpBreakers on MCP SDK ${sdk.major}`, () => {
    it('passes successful calls through and keeps the client usable', async () => {
      const { client, registry } = await connect();
      const guarded = withMcpBreakers(client, registry, { prefix: 'files/' });
      const result = await guarded.callTool({ name: 'read', arguments: { path: 'a.txt' } });
      expect(result.content).toEqual([{ type: 'text', text: 'contents of a.txt' }]);
      const { tools } = await guarded.listTools();
      expect(tools.map((t) => t.name)).toEqual(['read', 'flaky', 'crash', 'hang']);
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
        // SDK 1 servers answer an isError result, SDK 2 servers a -32602 protocol error.
        const missing = await guarded
          .callTool({ name: 'nope' })
          .catch((error: unknown) => ({ isError: true, error }));
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
      expect(registry.diagnostics('files/flaky')).toMatchObject({
        state: 'open',
        remainingBackoffMs: 60_000,
      });
      expect(registry.diagnostics('other/flaky')).toMatchObject({ state: 'closed', failureCount: 1 });
    });

    it("records the SDK's request timeout as a timeout and rethrows it", async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const { client, registry } = await connect();
        const guarded = withMcpBreakers(client, registry);
        const call = guarded
          .callTool({ name: 'hang', arguments: {} }, ...(sdk.withOptions({ timeout: 1_000 }) as never[]))
          .catch((e: unknown) => e);
        await vi.advanceTimersByTimeAsync(1_000);
        const error: unknown = await call;
        expect(error).toMatchObject({ message: expect.stringMatching(/timed out/i) });
        expect(registry.diagnostics('hang')).toMatchObject({ failureCount: 1, lastErrorCategory: 'timeout' });
      } finally {
        vi.useRealTimers();
      }
    });

    it("counts a call aborted by its request options' signal as cancelled", async () => {
      const { client, registry } = await connect({ defaults: { tripOn: ['cancelled'] } });
      const guarded = withMcpBreakers(client, registry);
      const controller = new AbortController();
      const call = guarded.callTool(
        { name: 'hang', arguments: {} },
        ...(sdk.withOptions({ signal: controller.signal }) as never[]),
      );
      controller.abort();
      await expect(call).rejects.toThrow();
      expect(registry.diagnostics('hang')).toMatchObject({ failureCount: 1, lastErrorCategory: 'cancelled' });
    });
  });
}
