import { describe, expect, it } from 'vitest';
import { SimulatedClock, createActor } from 'xstate';
import { agentMachine, type PlannedCall } from '../../examples/agent-machine/agent.machine.js';
import type { ToolFn } from '../../examples/agent-machine/tool-actors.js';

const econnreset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

/** Runs the agent on simulated time: settles promises, then moves the clock a step. */
async function run(tools: Record<string, ToolFn>, plan: readonly PlannedCall[], maxOpenCircuits?: number) {
  const clock = new SimulatedClock();
  const actor = createActor(agentMachine, {
    clock,
    input: {
      tools,
      plan,
      now: () => clock.now(),
      breaker: { failureThreshold: 3, minBackoffMs: 5_000 },
      ...(maxOpenCircuits === undefined ? {} : { maxOpenCircuits }),
    },
  });
  actor.start();
  for (let i = 0; i < 1_000 && actor.getSnapshot().status !== 'done'; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    clock.increment(500);
  }
  return { actor, snapshot: actor.getSnapshot() };
}

function searchTools(failures: number) {
  const calls = { search: 0, cached: 0 };
  const tools: Record<string, ToolFn> = {
    search: async () => {
      if (++calls.search <= failures) throw econnreset();
      return 'live results';
    },
    cached_search: async () => {
      calls.cached++;
      return 'cached results';
    },
  };
  return { calls, tools };
}

const plan = (n: number): PlannedCall[] =>
  Array.from({ length: n }, () => ({ tool: 'search', fallback: 'cached_search' }));

describe('an XState agent machine embedding breakerMachine actors', () => {
  it('spawns one breaker actor per tool as its children', async () => {
    const { tools } = searchTools(0);
    const { snapshot } = await run(tools, plan(1));
    expect(Object.keys(snapshot.context.breakers)).toEqual(['search', 'cached_search']);
    expect(snapshot.children['breaker.search']).toBe(snapshot.context.breakers.search);
    expect(snapshot.context.breakers.search?.getSnapshot().value).toBe('closed');
  });

  it('reacts to "opened" by using the fallback, and to "halfOpened" by probing the tool again', async () => {
    const { tools, calls } = searchTools(3);
    const { snapshot } = await run(tools, plan(12));
    const log = snapshot.context.log.map((l) => l.replace(/^t=\s*\d+ /, ''));

    expect(log.slice(0, 7)).toEqual([
      'search failed (network)',
      'search failed (network)',
      'search failed (network)',
      'breaker search opened (threshold), backoff 5000 ms',
      'model avoids search (circuit open), uses cached_search',
      'cached_search ok: cached results',
      'model avoids search (circuit open), uses cached_search',
    ]);
    expect(log).toContain('breaker search half-open: the next call probes');
    expect(log).toContain('breaker search closed (probeSucceeded)');
    expect(log.at(-1)).toBe('search ok: live results');
    // While open, the tool itself was never called: only the three failures and the successes.
    expect(calls.search).toBe(3 + log.filter((l) => l === 'search ok: live results').length);
    expect(snapshot.context.breakers.search?.getSnapshot().value).toBe('closed');
    expect(snapshot.context.avoided).toEqual([]);
  });

  it('sends outcomes with the admission generation, so the breaker counts and resets correctly', async () => {
    const { tools } = searchTools(2);
    const { snapshot } = await run(tools, plan(3));
    const breaker = snapshot.context.breakers.search?.getSnapshot();
    // Two failures counted, then a success in the same generation cleared them.
    expect(breaker?.value).toBe('closed');
    expect(breaker?.context).toMatchObject({ failureCount: 0, openCount: 0 });
  });

  it('rejects a call while the breaker is open when the model has no fallback', async () => {
    const { tools, calls } = searchTools(100);
    const { snapshot } = await run(tools, [...plan(3).map((p) => ({ tool: p.tool })), { tool: 'search' }]);
    expect(snapshot.context.log.at(-1)).toMatch(/search rejected by its breaker$/);
    expect(calls.search).toBe(3);
    expect(snapshot.context.breakers.search?.getSnapshot().context.deniedRequests).toBe(1);
  });

  it('never opens for invalid arguments', async () => {
    const tools: Record<string, ToolFn> = {
      write: async () => {
        throw Object.assign(new Error('path must be relative'), { status: 422 });
      },
    };
    const { snapshot } = await run(
      tools,
      Array.from({ length: 8 }, () => ({ tool: 'write' })),
    );
    expect(snapshot.context.log.every((l) => l.endsWith('write failed (invalid_parameters)'))).toBe(true);
    expect(snapshot.context.breakers.write?.getSnapshot()).toMatchObject({
      value: 'closed',
      context: { failureCount: 0, openCount: 0 },
    });
  });

  it('spawns a registryMachine actor that counts its open circuits and pauses the agent while too many are open', async () => {
    const calls = { search: 0, fetch: 0 };
    const tools: Record<string, ToolFn> = {
      search: async () => {
        if (++calls.search <= 3) throw econnreset();
        return 'live results';
      },
      fetch: async () => {
        if (++calls.fetch <= 3) throw Object.assign(new Error('unavailable'), { status: 503 });
        return 'page';
      },
    };
    const alternating = Array.from({ length: 10 }, (_, i) => ({ tool: i % 2 === 0 ? 'search' : 'fetch' }));
    const { snapshot } = await run(tools, alternating, 2);
    const log = snapshot.context.log.map((l) => l.replace(/^t=\s*\d+ /, ''));

    const paused = log.indexOf('recovery pause: open circuits 2 (limit 2)');
    const resumed = log.indexOf('recovery pause over: open circuits 1');
    expect(paused).toBeGreaterThan(log.indexOf('breaker fetch opened (threshold), backoff 5000 ms'));
    expect(resumed).toBeGreaterThan(paused);
    // While paused the agent called no tool: only breaker news until the pause ended.
    expect(log.slice(paused + 1, resumed).every((l) => l.startsWith('breaker '))).toBe(true);
    expect(log).toContain('breaker search closed (probeSucceeded)');
    expect(log).toContain('breaker fetch closed (probeSucceeded)');
    expect(log.filter((l) => l.endsWith('rejected by its breaker'))).toEqual([]);

    const registry = snapshot.context.registry.getSnapshot();
    expect(snapshot.children.registry).toBe(snapshot.context.registry);
    expect(registry.value).toBe('running');
    expect(registry.context).toMatchObject({ openCircuits: 0, maxOpenCircuits: 2 });
  });
});
