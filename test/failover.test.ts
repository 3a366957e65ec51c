import { describe, expect, expectTypeOf, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { NoProviderAvailableError, firstAvailable, isNoProviderAvailableError } from '../src/failover.js';
import { createRegistry } from '../src/index.js';

const unavailable = (): Error => Object.assign(new Error('overloaded'), { status: 503 });

function setup() {
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  const registry = createRegistry({ defaults: { failureThreshold: 2, minBackoffMs: 20_000, clock } });
  const tried: string[] = [];
  return { clock, registry, tried };
}

describe('firstAvailable', () => {
  it('returns the first provider that answers, trying them in order', async () => {
    const { registry, tried } = setup();
    const value = await firstAvailable(registry, ['primary', 'secondary', 'tertiary'], async (provider) => {
      tried.push(provider);
      if (provider === 'primary') throw unavailable();
      return `answer from ${provider}`;
    });
    expect(value).toBe('answer from secondary');
    expect(tried).toEqual(['primary', 'secondary']);
  });

  it('gives the call its provider as one of the names passed and a signal that is always there', async () => {
    const { registry } = setup();
    const models = { 'llm:openai': 'gpt', 'llm:anthropic': 'claude' } as const;
    const complete = (model: string, options: { signal: AbortSignal }): string =>
      `${model} ${options.signal.aborted ? 'aborted' : 'live'}`;
    // Type-checked by `npm run typecheck`: under strict, models[provider] and { signal } compile as they are.
    const reply = await firstAvailable(registry, ['llm:openai', 'llm:anthropic'], (provider, signal) => {
      expectTypeOf(provider).toEqualTypeOf<'llm:openai' | 'llm:anthropic'>();
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      return complete(models[provider], { signal });
    });
    expect(reply).toBe('gpt live');
  });

  it('records each outcome in the registry', async () => {
    const { registry } = setup();
    await firstAvailable(registry, ['primary', 'fallback'], async (provider) => {
      if (provider === 'primary') throw unavailable();
      return 'ok';
    });
    expect(registry.diagnostics('primary')).toMatchObject({
      failureCount: 1,
      lastErrorCategory: 'service_unavailable',
    });
    expect(registry.diagnostics('fallback')).toMatchObject({ state: 'closed', failureCount: 0 });
  });

  it('skips a provider whose circuit is open without calling it, until its backoff ends', async () => {
    const { registry, tried, clock } = setup();
    let primaryDown = true;
    const call = async (provider: string) => {
      tried.push(provider);
      if (provider === 'primary' && primaryDown) throw unavailable();
      return provider;
    };
    await firstAvailable(registry, ['primary', 'fallback'], call);
    await firstAvailable(registry, ['primary', 'fallback'], call);
    expect(registry.state('primary')).toBe('open');
    tried.length = 0;

    const skipped: string[] = [];
    const value = await firstAvailable(registry, ['primary', 'fallback'], call, {
      onFailover: (attempt) => skipped.push(`${attempt.provider}:${attempt.outcome}`),
    });
    expect(value).toBe('fallback');
    expect(tried).toEqual(['fallback']);
    expect(skipped).toEqual(['primary:skipped']);

    primaryDown = false;
    clock.increment(20_000);
    tried.length = 0;
    expect(await firstAvailable(registry, ['primary', 'fallback'], call)).toBe('primary');
    expect(tried).toEqual(['primary']);
    expect(registry.state('primary')).toBe('closed');
  });

  it('throws an aggregate error naming every provider and why when none answers', async () => {
    const { registry } = setup();
    registry.breaker('primary').tryAcquire()?.failure('network');
    registry.breaker('primary').tryAcquire()?.failure('network');
    registry.isolate('backup');
    const error: unknown = await firstAvailable(registry, ['primary', 'backup', 'last'], async () => {
      throw new Error('quota exceeded');
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NoProviderAvailableError);
    expect(error).toBeInstanceOf(AggregateError);
    expect(isNoProviderAvailableError(error)).toBe(true);
    const failure = error as NoProviderAvailableError;
    expect(failure.message).toBe(
      'tripstate: no provider available: primary: circuit open, retry in 20 s; backup: circuit isolated; ' +
        'last: failed (Error: quota exceeded)',
    );
    expect(failure.attempts.map((a) => [a.provider, a.outcome])).toEqual([
      ['primary', 'skipped'],
      ['backup', 'skipped'],
      ['last', 'failed'],
    ]);
    expect(failure.errors).toHaveLength(3);
  });

  it('passes the caller signal to each call and stops once it aborts', async () => {
    const { registry, tried } = setup();
    const controller = new AbortController();
    const error: unknown = await firstAvailable(
      registry,
      ['a', 'b'],
      async (provider, signal) => {
        tried.push(provider);
        expect(signal).toBe(controller.signal);
        controller.abort(new Error('user cancelled'));
        throw new Error('aborted');
      },
      { signal: controller.signal },
    ).catch((e: unknown) => e);
    expect(tried).toEqual(['a']);
    expect((error as Error).message).toBe('aborted');
    expect(registry.diagnostics('a')).toMatchObject({ failureCount: 0 });
  });

  it('rethrows an error that shouldFailover refuses, without trying the next provider', async () => {
    const { registry, tried } = setup();
    const bad = Object.assign(new Error('bad request'), { status: 400 });
    const error: unknown = await firstAvailable(
      registry,
      ['a', 'b'],
      async (provider) => {
        tried.push(provider);
        throw bad;
      },
      { shouldFailover: (e) => (e as { status?: number }).status !== 400 },
    ).catch((e: unknown) => e);
    expect(error).toBe(bad);
    expect(tried).toEqual(['a']);
  });

  it('throws NoProviderAvailableError for an empty list', async () => {
    const { registry } = setup();
    await expect(firstAvailable(registry, [], () => 1)).rejects.toThrow(
      'tripstate: no provider available: no providers given',
    );
  });
});
