/** The breaker chart answers a `call.requested` that carries `replyTo`: admitted or rejected, and why. */
import { createActor, fromCallback, SimulatedClock, type EventObject } from 'xstate';
import { describe, expect, it } from 'vitest';
import { breakerMachine, type ToolAnswer } from '../machines/index.js';
import { resolveBreakerConfig } from '../src/options.js';

const config = resolveBreakerConfig({ failureThreshold: 1, minBackoffMs: 100, maxBackoffMs: 100, jitter: 0 });

function start() {
  const clock = new SimulatedClock();
  const breaker = createActor(breakerMachine, { input: { config }, clock }).start();
  const answers: ToolAnswer[] = [];
  const inbox = createActor(
    fromCallback<EventObject>(({ receive }) => receive((event) => answers.push(event as ToolAnswer))),
  ).start();
  const ask = (at = clock.now()) => {
    breaker.send({ type: 'call.requested', at, replyTo: inbox, tool: 'search' });
    return answers.at(-1);
  };
  const generation = () => breaker.getSnapshot().context.generation;
  const fail = () =>
    breaker.send({ type: 'call.failed', generation: generation(), category: 'network', at: clock.now() });
  return { breaker, clock, answers, ask, fail, generation };
}

describe('the breaker chart answers a request that carries replyTo', () => {
  it('admits in closed, with the generation the outcome must carry', () => {
    const { ask, generation } = start();
    expect(ask()).toEqual({ type: 'tool.admitted', tool: 'search', generation: generation() });
  });

  it('rejects while open, with the backoff left; admits the probe once it has elapsed, then rejects a second caller', () => {
    const { ask, fail, clock, generation, answers } = start();
    fail();
    clock.increment(30);
    expect(ask()).toEqual({ type: 'tool.rejected', tool: 'search', state: 'open', remainingBackoffMs: 70 });
    // A request that arrives at the end of the backoff, before its timer fired, is the probe.
    const admitted = ask(100);
    expect(admitted).toEqual({ type: 'tool.admitted', tool: 'search', generation: generation() });
    expect(answers.filter((a) => a.type === 'tool.admitted')).toHaveLength(1);
    expect(ask(100)).toEqual({
      type: 'tool.rejected',
      tool: 'search',
      state: 'halfOpen',
      remainingBackoffMs: null,
    });
  });

  it('admits the probe from half-open idle in the half-open generation', () => {
    const { breaker, ask, fail, clock } = start();
    fail();
    const openGeneration = breaker.getSnapshot().context.generation;
    clock.increment(100);
    expect(breaker.getSnapshot().value).toEqual({ halfOpen: 'idle' });
    const answer = ask();
    expect(answer).toMatchObject({ type: 'tool.admitted' });
    expect((answer as { generation: number }).generation).toBe(openGeneration + 1);
  });

  it('rejects while isolated, with no backoff to wait for', () => {
    const { breaker, ask, clock } = start();
    breaker.send({ type: 'breaker.isolate', at: clock.now() });
    expect(ask()).toEqual({
      type: 'tool.rejected',
      tool: 'search',
      state: 'isolated',
      remainingBackoffMs: null,
    });
  });

  it('answers nothing to a request without replyTo (the runtime reads the snapshot)', () => {
    const { breaker, answers, fail, clock } = start();
    breaker.send({ type: 'call.requested', at: clock.now() });
    fail();
    breaker.send({ type: 'call.requested', at: clock.now() });
    expect(answers).toEqual([]);
  });
});
