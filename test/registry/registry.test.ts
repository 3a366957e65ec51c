import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnyActorRef } from 'xstate';
import {
  BreakerStoppedError,
  InvalidToolNameError,
  createRegistry,
  isBrokenCircuitError,
  type RegistryOptions,
} from '../../src/index.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const options: RegistryOptions = {
  defaults: { failureThreshold: 2, minBackoffMs: 1_000, maxBackoffMs: 8_000 },
};
const failTool = (
  registry: ReturnType<typeof createRegistry>,
  tool: string,
  n = 1,
  category = 'network' as const,
) => {
  for (let i = 0; i < n; i++) registry.tryAcquire(tool)?.failure(category);
};

describe('registry', () => {
  it('treats a tool never seen as closed, without registering it', () => {
    const registry = createRegistry(options);
    expect(registry.state('never-seen')).toBe('closed');
    expect(registry.diagnostics('never-seen')).toMatchObject({
      tool: 'never-seen',
      state: 'closed',
      failureCount: 0,
    });
    expect(registry.size).toBe(0);
  });

  it("isolates tools: one tool's failures leave every other tool's state and counters untouched", async () => {
    const registry = createRegistry(options);
    for (const tool of ['read_file', 'http_get', 'shell']) await registry.execute(tool, async () => 'ok');
    registry.tryAcquire('read_file')?.failure('network');
    const before = ['read_file', 'http_get'].map((tool) => registry.diagnostics(tool));
    failTool(registry, 'shell', 5);
    registry.tryAcquire('shell');
    vi.advanceTimersByTime(1_000);
    failTool(registry, 'shell');
    expect(registry.state('shell')).toBe('open');
    expect(['read_file', 'http_get'].map((tool) => registry.diagnostics(tool))).toEqual(before);
    await expect(registry.execute('http_get', async () => 'still works')).resolves.toBe('still works');
  });

  it('rejects calls to an open tool with a BrokenCircuitError naming the tool', async () => {
    const registry = createRegistry(options);
    failTool(registry, 'mcp__github__search', 2);
    const error = await registry.execute('mcp__github__search', async () => 1).catch((e: unknown) => e);
    expect(isBrokenCircuitError(error)).toBe(true);
    expect(error).toMatchObject({ tool: 'mcp__github__search', state: 'open', remainingBackoffMs: 1_000 });
    expect((error as Error).message).toContain('mcp__github__search');
  });

  it('applies overrides by exact name over prefix over defaults', () => {
    const registry = createRegistry({
      ...options,
      overrides: [
        { prefix: 'mcp__slow__', options: { failureThreshold: 4 } },
        { prefix: 'mcp__', options: { failureThreshold: 3 } },
        { tool: 'mcp__slow__special', options: { failureThreshold: 1 } },
      ],
    });
    failTool(registry, 'mcp__slow__a', 3);
    failTool(registry, 'mcp__other', 3);
    failTool(registry, 'mcp__slow__special', 1);
    failTool(registry, 'plain', 2);
    expect(
      ['mcp__slow__a', 'mcp__other', 'mcp__slow__special', 'plain'].map((t) => registry.state(t)),
    ).toEqual(['closed', 'open', 'open', 'open']);
  });

  it('forwards breaker events with the tool name', () => {
    const registry = createRegistry(options);
    const seen: string[] = [];
    registry.on('opened', (e) => seen.push(`opened:${e.tool}:${e.reason}`));
    registry.on('halfOpened', (e) => seen.push(`halfOpened:${e.tool}`));
    registry.on('closed', (e) => seen.push(`closed:${e.tool}:${e.reason}`));
    const off = registry.on('rejected', (e) => seen.push(`rejected:${e.tool}:${e.count}`));
    failTool(registry, 'a', 2);
    registry.tryAcquire('a');
    off();
    registry.tryAcquire('a');
    vi.advanceTimersByTime(1_000);
    registry.tryAcquire('a')?.success();
    expect(seen).toEqual(['opened:a:threshold', 'rejected:a:1', 'halfOpened:a', 'closed:a:probeSucceeded']);
    expect(registry.diagnostics('a').deniedRequests).toBe(2);
  });

  it('gives one consistent snapshot: diagnostics of every tool, the open circuits and their count', () => {
    const registry = createRegistry(options);
    failTool(registry, 'a', 2);
    failTool(registry, 'b', 1);
    registry.isolate('c');
    const snapshot = registry.snapshot();
    expect(snapshot.diagnostics.map((d) => [d.tool, d.state])).toEqual([
      ['a', 'open'],
      ['b', 'closed'],
      ['c', 'isolated'],
    ]);
    expect(snapshot.openCircuits).toEqual(['a', 'c']);
    expect(snapshot.openCount).toBe(2);
    expect(registry.openCircuits()).toEqual(['a', 'c']);
    expect(registry.shouldPauseForRecovery(2)).toBe(true);
    expect(registry.shouldPauseForRecovery(3)).toBe(false);
  });

  it('emits recoveryPause once when the open circuits reach the limit, and again only after it cleared', () => {
    const registry = createRegistry({ ...options, maxOpenCircuits: 2 });
    const events: string[] = [];
    registry.on('recoveryPause', (e) => events.push(`pause:${e.openCircuits}:${e.openTools.join(',')}`));
    registry.on('recoveryResumed', (e) => events.push(`resume:${e.openCircuits}`));
    failTool(registry, 'a', 2);
    failTool(registry, 'b', 2);
    failTool(registry, 'c', 2);
    expect(events).toEqual(['pause:2:a,b']);
    expect(registry.actor.getSnapshot().value).toBe('recoveryPause');
    registry.reset('a');
    expect(events).toEqual(['pause:2:a,b']);
    registry.reset('b');
    expect(events).toEqual(['pause:2:a,b', 'resume:1']);
    failTool(registry, 'd', 2);
    expect(events).toEqual(['pause:2:a,b', 'resume:1', 'pause:2:c,d']);
  });

  it('emits recoveryPause after the opened event that caused it, and recoveryResumed after the half-open one', () => {
    const registry = createRegistry({ ...options, maxOpenCircuits: 2 });
    const events: string[] = [];
    registry.on('opened', (e) => events.push(`opened:${e.tool}:${registry.openCircuits().join(',')}`));
    registry.on('halfOpened', (e) => events.push(`halfOpened:${e.tool}`));
    registry.on('closed', (e) => events.push(`closed:${e.tool}`));
    registry.on('recoveryPause', (e) => events.push(`pause:${e.openTools.join(',')}`));
    registry.on('recoveryResumed', () => events.push('resume'));
    failTool(registry, 'fetch', 2);
    vi.advanceTimersByTime(500);
    failTool(registry, 'web_search', 2);
    vi.advanceTimersByTime(500);
    registry.tryAcquire('fetch')?.success();
    expect(events).toEqual([
      'opened:fetch:fetch',
      'opened:web_search:fetch,web_search',
      'pause:fetch,web_search',
      'halfOpened:fetch',
      'resume',
      'closed:fetch',
    ]);
  });

  it('reset forgets a tool and ignores results of calls admitted before', () => {
    const registry = createRegistry(options);
    const inFlight = registry.tryAcquire('a');
    failTool(registry, 'a', 2);
    registry.reset('a');
    inFlight?.failure('network');
    expect(registry.diagnostics('a')).toMatchObject({ state: 'closed', failureCount: 0, openCount: 0 });
    expect(registry.size).toBe(0);
    registry.breaker('b');
    registry.resetAll();
    expect(registry.size).toBe(0);
    expect(registry.actor.getSnapshot().context).toMatchObject({ openCircuits: 0, liveBreakers: 0 });
  });

  it('keeps a closed tool without a live actor until its breaker has work', () => {
    const registry = createRegistry(options);
    failTool(registry, 'a', 1);
    expect(registry.breaker('a').dormant).toBe(true);
    expect(registry.actor.getSnapshot().context.liveBreakers).toBe(0);
    failTool(registry, 'a', 1);
    expect(registry.breaker('a').dormant).toBe(false);
    expect(registry.actor.getSnapshot().context.liveBreakers).toBe(1);
    // Spawned by the registry chart through a shard: a child in the shard's snapshot.
    const shard = registry.actor.getSnapshot().children['shard.0'] as AnyActorRef;
    expect(shard.getSnapshot().children.a).toBe(registry.breaker('a').actor);
    expect(registry.breaker('a').actor._parent?._parent).toBe(registry.actor);
  });

  it("shows the registry and every tool's breaker actor to an inspector given at the top level", () => {
    const seen: { type: string; id: string; parent: string | undefined }[] = [];
    const registry = createRegistry({
      ...options,
      inspect: (event) => {
        if (event.type !== '@xstate.actor') return;
        const actor = event.actorRef as unknown as { id: string; _parent?: { _parent?: { id: string } } };
        seen.push({ type: event.type, id: actor.id, parent: actor._parent?._parent?.id }); // through a shard
      },
    });
    failTool(registry, 'shell', 2);
    failTool(registry, 'http_get', 1);
    expect(seen.map((e) => e.id)).toContain('shell');
    expect(seen.find((e) => e.id === 'shell')?.parent).toBe(registry.actor.id);
    expect(seen.find((e) => e.id === 'http_get')?.parent).toBe(registry.actor.id);
    expect(registry.diagnostics('http_get').failureCount).toBe(1);
  });

  it('shows every restored tool, closed ones included, to an inspector', () => {
    const before = createRegistry(options);
    failTool(before, 'shell', 2);
    failTool(before, 'http_get', 1);
    void before.tryAcquire('read_file');
    const seen: string[] = [];
    const registry = createRegistry({
      ...options,
      snapshot: before.getPersistedSnapshot(),
      inspect: (event) => {
        if (event.type === '@xstate.actor') seen.push((event.actorRef as unknown as { id: string }).id);
      },
    });
    expect(seen).toEqual(expect.arrayContaining(['shell', 'http_get', 'read_file']));
    expect(registry.diagnostics('http_get').failureCount).toBe(1);
    expect(registry.state('shell')).toBe('open');
  });

  it("reports a throwing listener of a tool's breaker as a warning and keeps going", () => {
    const registry = createRegistry({ defaults: { failureThreshold: 1 } });
    const warnings: unknown[] = [];
    registry.on('warning', (w) => warnings.push(w));
    const bug = new Error('listener bug');
    registry.breaker('shell').on('opened', () => {
      throw bug;
    });
    registry.on('opened', () => {
      throw bug;
    });
    failTool(registry, 'shell', 1);
    vi.runAllTimers();
    expect(registry.state('shell')).toBe('halfOpen');
    expect(warnings).toEqual([
      { type: 'warning', message: 'tripstate: a opened listener of "shell" threw', error: bug },
      { type: 'warning', message: 'tripstate: a opened listener threw', error: bug },
    ]);
    expect(() => registry.on('paused' as never, () => undefined)).toThrow(/unknown registry event "paused"/);
  });

  it('validates its options', () => {
    expect(() => createRegistry({ maxTools: 0 })).toThrow(/maxTools must be an integer >= 1, got 0/);
    expect(() => createRegistry({ maxOpenCircuits: 1.5 })).toThrow(RangeError);
    expect(() => createRegistry({ defaults: { failureThreshold: -1 } })).toThrow(/failureThreshold/);
    expect(() => createRegistry({ overrides: [{ prefix: '', options: {} }] })).toThrow(
      /overrides\[0\] needs/,
    );
    expect(() => createRegistry({ overrides: [{ tool: 'x', options: { jitter: 2 } }] })).toThrow(/jitter/);
    expect(() => createRegistry({ maxTool: 5 } as never)).toThrow(
      'tripstate: unknown registry option "maxTool" (did you mean maxTools?)',
    );
    expect(() => createRegistry({ overrides: [{ tool: 'x', options: { threshold: 1 } }] } as never)).toThrow(
      /unknown option "threshold"/,
    );
  });

  it('runs nothing once stopped: execute rejects with a BreakerStoppedError, tryAcquire gives nothing', async () => {
    const registry = createRegistry(options);
    registry.tryAcquire('known')?.success();
    registry.stop();
    for (const tool of ['known', 'new']) {
      await expect(registry.execute(tool, async () => 'ran')).rejects.toBeInstanceOf(BreakerStoppedError);
      expect(registry.tryAcquire(tool)).toBeUndefined();
    }
    expect(() => registry.tryAcquire('')).toThrow(InvalidToolNameError);
    expect(registry.size).toBe(1);
  });

  it('rejects an execute() with a bad tool name instead of throwing synchronously', async () => {
    const registry = createRegistry(options);
    await expect(registry.execute('', async () => 1)).rejects.toBeInstanceOf(InvalidToolNameError);
  });
});
