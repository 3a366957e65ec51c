import { describe, expect, it } from 'vitest';
import { SimulatedClock, createActor, type AnyActorRef, type SnapshotFrom } from 'xstate';
import { agentMachine, type PlannedCall } from '../../examples/agent-machine/agent.machine.js';
import type { ToolFn } from '../../examples/agent-machine/tool-actors.js';
import type { breakerMachine } from '../../src/index.js';

type AgentSnapshot = SnapshotFrom<typeof agentMachine>;

/** The registry's breakers, by tool: the children of the shards its chart spawned. */
function breakersOf(snapshot: AgentSnapshot): Record<string, SnapshotFrom<typeof breakerMachine>> {
  const shards = Object.values(
    snapshot.context.registry.getSnapshot().children as Record<string, AnyActorRef>,
  );
  const breakers: Record<string, SnapshotFrom<typeof breakerMachine>> = {};
  for (const shard of shards)
    for (const [tool, breaker] of Object.entries(
      (shard.getSnapshot() as { children: Record<string, AnyActorRef> }).children,
    ))
      breakers[tool] = breaker.getSnapshot() as SnapshotFrom<typeof breakerMachine>;
  return breakers;
}

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
  // The registry stops with the agent when the plan is done: its breakers are read before.
  let breakers = breakersOf(actor.getSnapshot());
  for (let i = 0; i < 1_000 && actor.getSnapshot().status !== 'done'; i++) {
    breakers = breakersOf(actor.getSnapshot());
    await new Promise((resolve) => setImmediate(resolve));
    clock.increment(500);
  }
  return { actor, snapshot: actor.getSnapshot(), breakers };
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

describe('an XState agent machine driving the registry chart with tool events', () => {
  it('spawns the registry, which spawns one breaker per tool the agent asks about', async () => {
    const { tools } = searchTools(0);
    const { snapshot, breakers } = await run(tools, [...plan(2), { tool: 'cached_search' }]);
    expect(snapshot.children.registry).toBe(snapshot.context.registry);
    expect(Object.keys(breakers).sort()).toEqual(['cached_search', 'search']);
    expect(breakers.search?.value).toBe('closed');
  });

  it('reacts to "opened" by using the fallback, and to "halfOpened" by probing the tool again', async () => {
    const { tools, calls } = searchTools(3);
    const { snapshot, breakers } = await run(tools, plan(12));
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
    expect(breakers.search?.value).toBe('closed');
    expect(snapshot.context.avoided).toEqual([]);
  });

  it('sends outcomes with the admission generation, so the breaker counts and resets correctly', async () => {
    const { tools } = searchTools(2);
    const { breakers } = await run(tools, plan(3));
    const breaker = breakers.search;
    // Two failures counted, then a success in the same generation cleared them.
    expect(breaker?.value).toBe('closed');
    expect(breaker?.context).toMatchObject({ failureCount: 0, openCount: 0 });
  });

  it('rejects a call while the breaker is open when the model has no fallback', async () => {
    const { tools, calls } = searchTools(100);
    const { snapshot, breakers } = await run(tools, [
      ...plan(3).map((p) => ({ tool: p.tool })),
      { tool: 'search' },
    ]);
    expect(snapshot.context.log.at(-1)).toMatch(/search rejected by its breaker$/);
    expect(calls.search).toBe(3);
    expect(breakers.search?.context.deniedRequests).toBe(1);
  });

  it('never opens for invalid arguments', async () => {
    const tools: Record<string, ToolFn> = {
      write: async () => {
        throw Object.assign(new Error('path must be relative'), { status: 422 });
      },
    };
    const { snapshot, breakers } = await run(
      tools,
      Array.from({ length: 8 }, () => ({ tool: 'write' })),
    );
    expect(snapshot.context.log.every((l) => l.endsWith('write failed (invalid_parameters)'))).toBe(true);
    expect(breakers.write).toMatchObject({
      value: 'closed',
      context: { failureCount: 0, openCount: 0 },
    });
  });

  it('has the registry count its open circuits and pause the agent while too many are open', async () => {
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
