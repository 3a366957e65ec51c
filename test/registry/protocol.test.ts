/** A registry driven by events alone: the tool events of `registryMachine`, with no runtime class. */
import { createActor, fromCallback, SimulatedClock, type AnyActorRef, type EventObject } from 'xstate';
import { describe, expect, it } from 'vitest';
import { registryMachine, type ToolAnswer } from '../../machines/index.js';
import { resolveBreakerConfig } from '../../src/options.js';

const breaker = resolveBreakerConfig({
  failureThreshold: 2,
  minBackoffMs: 1_000,
  maxBackoffMs: 1_000,
  jitter: 0,
});

function start(input: Record<string, unknown> = {}) {
  const clock = new SimulatedClock();
  const registry = createActor(registryMachine, { input: { breaker, ...input }, clock }).start();
  const answers: ToolAnswer[] = [];
  const inbox: AnyActorRef = createActor(
    fromCallback<EventObject>(({ receive }) => receive((event) => answers.push(event as ToolAnswer))),
  ).start();
  const emitted: EventObject[] = [];
  registry.on('*', (event) => emitted.push(event));
  const at = () => clock.now();
  const request = (tool: string): ToolAnswer => {
    const before = answers.length;
    registry.send({ type: 'tool.request', tool, replyTo: inbox, at: at() });
    expect(answers.length).toBe(before + 1);
    return answers.at(-1) as ToolAnswer;
  };
  const admitted = (tool: string): number => {
    const answer = request(tool);
    if (answer.type !== 'tool.admitted') throw new Error(`${tool} rejected: ${JSON.stringify(answer)}`);
    return answer.generation;
  };
  const fail = (tool: string, generation: number) =>
    registry.send({ type: 'tool.failed', tool, generation, category: 'network', at: at() });
  const succeed = (tool: string, generation: number) =>
    registry.send({ type: 'tool.succeeded', tool, generation, at: at() });
  /** The tools with a live breaker, read from the registry's snapshot: its shards' children. */
  const live = (): string[] =>
    Object.values(registry.getSnapshot().children as Record<string, AnyActorRef>).flatMap((shard) =>
      Object.keys((shard.getSnapshot() as { children: object }).children),
    );
  return { registry, clock, answers, emitted, request, admitted, fail, succeed, live, at, inbox };
}

describe('registryMachine driven by tool events alone', () => {
  it('admits, opens on failures with the tool named, rejects while open, and leaves the other tools alone', () => {
    const { registry, admitted, request, fail, emitted, clock } = start();
    fail('search', admitted('search'));
    fail('search', admitted('search'));
    expect(emitted).toContainEqual(
      expect.objectContaining({ type: 'opened', tool: 'search', reason: 'threshold', backoffMs: 1_000 }),
    );
    expect(registry.getSnapshot().context.openCircuits).toBe(1);
    clock.increment(400);
    expect(request('search')).toEqual({
      type: 'tool.rejected',
      tool: 'search',
      state: 'open',
      remainingBackoffMs: 600,
    });
    expect(request('files')).toMatchObject({ type: 'tool.admitted', tool: 'files' });
  });

  it('probes with exactly one call after the backoff, and closes on its success', () => {
    const { registry, admitted, request, fail, succeed, emitted, clock } = start();
    fail('search', admitted('search'));
    fail('search', admitted('search'));
    clock.increment(1_000);
    expect(emitted).toContainEqual(expect.objectContaining({ type: 'halfOpened', tool: 'search' }));
    expect(registry.getSnapshot().context.openCircuits).toBe(0);
    const probe = admitted('search');
    expect(request('search')).toMatchObject({
      type: 'tool.rejected',
      state: 'halfOpen',
      remainingBackoffMs: null,
    });
    succeed('search', probe);
    expect(emitted.at(-1)).toEqual({ type: 'closed', tool: 'search', reason: 'probeSucceeded' });
    expect(request('search')).toMatchObject({ type: 'tool.admitted' });
  });

  it('ignores an outcome of an older generation, and one for a tool it has no breaker for', () => {
    const { registry, admitted, fail, succeed, live, emitted } = start();
    const first = admitted('search');
    fail('search', first);
    fail('search', first); // the same generation: opens
    expect(registry.getSnapshot().context.openCircuits).toBe(1);
    succeed('search', first); // a late success of the closed generation: the circuit stays open
    expect(emitted.filter((e) => e.type === 'closed')).toEqual([]);
    succeed('never-asked', 1);
    fail('never-asked', 1);
    expect(live()).toEqual(['search']);
  });

  it('isolates and releases a tool by name, spawning its breaker for the isolation', () => {
    const { registry, request, emitted, live, at } = start();
    registry.send({ type: 'tool.isolate', tool: 'shell', at: at() });
    expect(live()).toEqual(['shell']);
    expect(emitted).toContainEqual({ type: 'isolated', tool: 'shell' });
    expect(registry.getSnapshot().context.openCircuits).toBe(1);
    expect(request('shell')).toEqual({
      type: 'tool.rejected',
      tool: 'shell',
      state: 'isolated',
      remainingBackoffMs: null,
    });
    registry.send({ type: 'tool.release', tool: 'shell', at: at() });
    expect(emitted.at(-1)).toEqual({ type: 'closed', tool: 'shell', reason: 'released' });
    expect(registry.getSnapshot().context.openCircuits).toBe(0);
    expect(request('shell')).toMatchObject({ type: 'tool.admitted' });
  });

  it('resets an open tool by name', () => {
    const { registry, admitted, fail, request, at } = start();
    fail('search', admitted('search'));
    fail('search', admitted('search'));
    registry.send({ type: 'tool.reset', tool: 'search', at: at() });
    expect(registry.getSnapshot().context.openCircuits).toBe(0);
    expect(request('search')).toMatchObject({ type: 'tool.admitted' });
  });

  it('enters its recovery pause when the reported open circuits reach maxOpenCircuits', () => {
    const { registry, admitted, fail, emitted } = start({ maxOpenCircuits: 2 });
    for (const tool of ['a', 'b']) {
      fail(tool, admitted(tool));
      fail(tool, admitted(tool));
    }
    expect(registry.getSnapshot().value).toBe('recoveryPause');
    expect(emitted).toContainEqual({ type: 'recoveryPause', openCircuits: 2, limit: 2 });
  });

  it('gives a tool its own configuration from input.tools', () => {
    const tools = {
      llm: resolveBreakerConfig({ failureThreshold: 1, minBackoffMs: 50, maxBackoffMs: 50, jitter: 0 }),
    };
    const { admitted, fail, request } = start({ tools });
    fail('llm', admitted('llm'));
    expect(request('llm')).toMatchObject({ type: 'tool.rejected', state: 'open', remainingBackoffMs: 50 });
  });

  it('holds every live breaker in its shards, one per tool however often it is asked', () => {
    const { admitted, live } = start({ shardCapacity: 2 });
    for (const tool of ['a', 'b', 'c', 'a', 'b', 'c']) admitted(tool);
    expect(live().sort()).toEqual(['a', 'b', 'c']);
  });

  it('drops a malformed tool event with a warning that says what is wrong, and keeps working', () => {
    const { registry, emitted, live, request, inbox } = start();
    const malformed: unknown[] = [
      { type: 'tool.request', tool: 42, replyTo: inbox },
      { type: 'tool.request', tool: '', replyTo: inbox },
      { type: 'tool.request', tool: 'search' },
      { type: 'tool.request', tool: 'search', replyTo: inbox, at: Number.NaN },
      { type: 'tool.failed', tool: 'search', generation: 1, category: 'oops' },
      { type: 'tool.failed', tool: 'search', generation: 1, category: 'network', retryAfterMs: -5 },
      { type: 'tool.succeeded', tool: 'search', generation: '1' },
      { type: 'tool.succeeded', tool: 'search', generation: 1, durationMs: -1 },
      { type: 'tool.released', tool: 'search' },
    ];
    for (const event of malformed) registry.send(event as never);
    const warnings = emitted
      .filter((e) => e.type === 'warning')
      .map((e) => (e as unknown as { message: string }).message);
    expect(warnings).toEqual([
      'tripstate: registryMachine dropped tool.request needs a tool name (a non-empty string)',
      'tripstate: registryMachine dropped tool.request needs a tool name (a non-empty string)',
      'tripstate: registryMachine dropped tool.request for "search" needs replyTo, the actor to answer',
      'tripstate: registryMachine dropped tool.request for "search": at must be a finite number of epoch milliseconds',
      'tripstate: registryMachine dropped tool.failed for "search": unknown error category "oops"',
      'tripstate: registryMachine dropped tool.failed for "search": retryAfterMs must be a number of milliseconds >= 0',
      'tripstate: registryMachine dropped tool.succeeded for "search" needs the generation of its tool.admitted',
      'tripstate: registryMachine dropped tool.succeeded for "search": durationMs must be a number of milliseconds >= 0',
      'tripstate: registryMachine dropped tool.released for "search" needs the generation of its tool.admitted',
    ]);
    expect(registry.getSnapshot().status).toBe('active');
    expect(live()).toEqual([]);
    expect(request('search')).toMatchObject({ type: 'tool.admitted', tool: 'search' });
    expect(live()).toEqual(['search']);
  });

  it('keeps tool names that are also property names apart', () => {
    const { admitted, fail, request, live } = start();
    for (const tool of ['__proto__', 'constructor', 'toString']) {
      fail(tool, admitted(tool));
      fail(tool, admitted(tool));
    }
    expect(live().sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(request('hasOwnProperty')).toMatchObject({ type: 'tool.admitted' });
    expect(request('__proto__')).toMatchObject({ type: 'tool.rejected', state: 'open' });
  });

  it('fails with a clear error when asked about a tool with no breaker configuration', () => {
    const clock = new SimulatedClock();
    const registry = createActor(registryMachine, { input: {}, clock });
    const errors: unknown[] = [];
    registry.subscribe({ error: (error) => errors.push(error) });
    registry.start();
    const inbox = createActor(fromCallback(() => undefined)).start();
    registry.send({ type: 'tool.request', tool: 'search', replyTo: inbox, at: 0 });
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(
      /no breaker configuration \(input\.breaker: resolveBreakerConfig\(options\)\)/,
    );
  });
});
