/** What both breakerMiddleware suites share: a registry on fake timers, mock models, stream readers. */
import { afterEach, beforeEach, vi } from 'vitest';
import { breakerMiddleware, type BreakerMiddlewareOptions } from '../../src/adapters/ai.js';
import { DEFAULT_TRIP_CATEGORIES, createRegistry, type Registry } from '../../src/index.js';
import type { AiSdk, MockModel, StreamPart } from './ai-sdk.js';

/** streamText reports stream errors to `onError` (console.error by default): the tests read them from the parts. */
export const quiet = (): void => undefined;

export const econnreset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

/** Reads a stream to its end (or error), collecting the parts. */
export async function collect<T>(
  stream: AsyncIterable<T> | ReadableStream<T>,
): Promise<{ parts: T[]; error?: unknown }> {
  const parts: T[] = [];
  try {
    for await (const part of stream as AsyncIterable<T>) parts.push(part);
    return { parts };
  } catch (error) {
    return { parts, error };
  }
}

/** Runs `work` while fake time moves on by `ms`. */
export async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  await vi.advanceTimersByTimeAsync(ms);
  return work;
}

/** Registers a fresh registry per test (fake timers from 1,000,000 ms) and returns the mock-model helpers. */
export function middlewareFixture(sdk: AiSdk) {
  const { MockLanguageModel, simulateReadableStream, wrapLanguageModel } = sdk;

  let registry: Registry;
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    registry = createRegistry({
      defaults: {
        failureThreshold: 1,
        minBackoffMs: 30_000,
        // `cancelled` counts here only so that the tests can read it as the last category.
        tripOn: [...DEFAULT_TRIP_CATEGORIES, 'cancelled'],
      },
    });
  });
  afterEach(() => {
    registry.stop();
    vi.useRealTimers();
  });

  /** A mock model streaming `parts` (first after `initial` ms, then every `every` ms); records its calls. */
  function streaming(parts: StreamPart[], initial = 0, every = 0) {
    const signals: (AbortSignal | undefined)[] = [];
    const model = new MockLanguageModel({
      doStream: async (options) => {
        signals.push(options.abortSignal);
        return {
          stream: simulateReadableStream({ chunks: parts, initialDelayInMs: initial, chunkDelayInMs: every }),
        };
      },
    });
    return { model, signals };
  }

  /** A mock model whose stream sends `parts` and then stays silent (or errors with `error`). */
  function stalling(parts: StreamPart[], error?: unknown) {
    const queue = [...parts];
    const signals: (AbortSignal | undefined)[] = [];
    const model = new MockLanguageModel({
      doStream: async (options) => {
        signals.push(options.abortSignal);
        return {
          stream: new ReadableStream<StreamPart>({
            pull(controller) {
              const part = queue.shift();
              if (part !== undefined) return controller.enqueue(part);
              if (error !== undefined) return controller.error(error);
              return new Promise<void>(() => undefined); // silent from here on
            },
          }),
        };
      },
    });
    return { model, signals };
  }

  const guard = (model: MockModel, key = 'llm:primary', options: BreakerMiddlewareOptions = {}) =>
    wrapLanguageModel({ model, middleware: breakerMiddleware({ registry, key }, options) });

  return {
    /** The registry of the running test. */
    get registry(): Registry {
      return registry;
    },
    /** Replaces the running test's registry (the previous one is stopped). */
    useRegistry(next: Registry): void {
      registry.stop();
      registry = next;
    },
    streaming,
    stalling,
    guard,
  };
}
