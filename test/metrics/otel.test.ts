import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBreaker, createRegistry } from '../../src/index.js';
import { instrumentOpenTelemetry } from '../../src/metrics/otel.js';
import { TestClock } from '../../src/testing/index.js';

const defaults = { failureThreshold: 2, minBackoffMs: 1_000, maxBackoffMs: 8_000 };

/** A meter whose collections land in an in-memory exporter. */
function meterAndCollect() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const collect = async (): Promise<Map<string, DataPoint<number>[]>> => {
    exporter.reset();
    await reader.forceFlush();
    const points = new Map<string, DataPoint<number>[]>();
    for (const resource of exporter.getMetrics())
      for (const scope of resource.scopeMetrics)
        for (const metric of scope.metrics)
          points.set(metric.descriptor.name, metric.dataPoints as DataPoint<number>[]);
    return points;
  };
  return { meter: provider.getMeter('tripstate-test'), collect, provider };
}

const point = (points: DataPoint<number>[] | undefined, attributes: Record<string, string>) =>
  points?.find(
    (p) =>
      Object.entries(attributes).every(([k, v]) => p.attributes[k] === v) &&
      Object.keys(p.attributes).length === Object.keys(attributes).length,
  )?.value;

describe('instrumentOpenTelemetry', () => {
  it('observes calls by outcome and error.type, states, rejections and transitions', async () => {
    const clock = new TestClock(1_000);
    const registry = createRegistry({ defaults: { ...defaults, clock } });
    const { meter, collect, provider } = meterAndCollect();
    instrumentOpenTelemetry(registry, { meter });
    registry.tryAcquire('web_search')?.failure('network');
    registry.tryAcquire('web_search')?.failure('network');
    registry.tryAcquire('web_search');
    registry.tryAcquire('shell')?.failure('invalid_parameters');
    registry.tryAcquire('read_file')?.success();
    const points = await collect();
    const calls = points.get('tripstate.calls');
    expect(
      point(calls, {
        'tripstate.tool': 'web_search',
        'tripstate.outcome': 'failure',
        'error.type': 'network',
      }),
    ).toBe(2);
    expect(
      point(calls, {
        'tripstate.tool': 'shell',
        'tripstate.outcome': 'ignored',
        'error.type': 'invalid_parameters',
      }),
    ).toBe(1);
    expect(point(calls, { 'tripstate.tool': 'read_file', 'tripstate.outcome': 'success' })).toBe(1);
    const state = points.get('tripstate.circuit.state');
    expect(point(state, { 'tripstate.tool': 'web_search', 'tripstate.state': 'open' })).toBe(1);
    expect(point(state, { 'tripstate.tool': 'web_search', 'tripstate.state': 'closed' })).toBe(0);
    expect(point(points.get('tripstate.rejected_calls'), { 'tripstate.tool': 'web_search' })).toBe(1);
    expect(
      point(points.get('tripstate.transitions'), {
        'tripstate.tool': 'web_search',
        'tripstate.state': 'open',
      }),
    ).toBe(1);

    clock.advance(1_000);
    registry.tryAcquire('web_search')?.success();
    const later = await collect();
    expect(
      point(later.get('tripstate.circuit.state'), {
        'tripstate.tool': 'web_search',
        'tripstate.state': 'closed',
      }),
    ).toBe(1);
    expect(
      point(later.get('tripstate.transitions'), {
        'tripstate.tool': 'web_search',
        'tripstate.state': 'closed',
      }),
    ).toBe(1);
    await provider.shutdown();
  });

  it('stops observing with the returned function', async () => {
    const registry = createRegistry({ defaults: { failureThreshold: 1 } });
    const { meter, collect, provider } = meterAndCollect();
    const stop = instrumentOpenTelemetry(registry, { meter });
    registry.tryAcquire('before')?.failure('network');
    const tools = async () =>
      new Set((await collect()).get('tripstate.circuit.state')?.map((p) => p.attributes['tripstate.tool']));
    expect(await tools()).toEqual(new Set(['before']));
    stop();
    registry.tryAcquire('after')?.failure('network');
    expect((await tools()).has('after')).toBe(false);
    await provider.shutdown();
  });

  it('names a standalone breaker with its `tool` option', async () => {
    const breaker = createBreaker({ failureThreshold: 1 });
    const { meter, collect, provider } = meterAndCollect();
    instrumentOpenTelemetry(breaker, { meter, tool: 'llm' });
    breaker.tryAcquire()?.failure('network');
    const state = (await collect()).get('tripstate.circuit.state');
    expect(point(state, { 'tripstate.tool': 'llm', 'tripstate.state': 'open' })).toBe(1);
    breaker.stop();
    await provider.shutdown();
  });

  it('records each admitted call in tripstate.call.duration, in seconds', async () => {
    const clock = new TestClock(1_000);
    const registry = createRegistry({ defaults: { ...defaults, clock } });
    const { meter, collect, provider } = meterAndCollect();
    const stop = instrumentOpenTelemetry(registry, { meter });
    const permit = registry.tryAcquire('api');
    clock.advance(250);
    permit?.failure('rate_limit');
    const points = (await collect()).get('tripstate.call.duration') as unknown as
      { attributes: Record<string, string>; value: { count: number; sum: number } }[] | undefined;
    expect(points?.map((p) => [p.attributes, p.value.count, p.value.sum])).toEqual([
      [{ 'tripstate.tool': 'api', 'tripstate.outcome': 'failure', 'error.type': 'rate_limit' }, 1, 0.25],
    ]);
    stop();
    expect(registry.breaker('api').measuresDurations).toBe(false);
    await provider.shutdown();
  });

  it('refuses bad arguments with typed errors', () => {
    const { meter } = meterAndCollect();
    const registry = createRegistry();
    expect(() => instrumentOpenTelemetry(null as never, { meter })).toThrow(TypeError);
    expect(() => instrumentOpenTelemetry(registry, {} as never)).toThrow(/OpenTelemetry Meter/);
    expect(() => instrumentOpenTelemetry(registry, { meter, maxSeries: -1 })).toThrow(RangeError);
    expect(() => instrumentOpenTelemetry(registry, { meter, metre: meter } as never)).toThrow(
      /unknown OpenTelemetry option "metre"/,
    );
  });

  describe('span events', () => {
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const contextManager = new AsyncLocalStorageContextManager();
    beforeAll(() => {
      context.setGlobalContextManager(contextManager.enable());
      trace.setGlobalTracerProvider(tracerProvider);
    });
    afterAll(async () => {
      await tracerProvider.shutdown();
      contextManager.disable();
      context.disable();
      trace.disable();
    });

    it('adds each transition to the span active when it happens', async () => {
      const registry = createRegistry({ defaults: { ...defaults, failureThreshold: 1 } });
      const { meter, provider } = meterAndCollect();
      instrumentOpenTelemetry(registry, { meter });
      const tracer = trace.getTracer('agent');
      await tracer.startActiveSpan('tool call', async (span) => {
        await registry.execute('web_search', () => Promise.reject(new Error('down'))).catch(() => {});
        span.end();
      });
      registry.reset('web_search'); // no span active: nothing recorded
      const [span] = spans.getFinishedSpans();
      expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
        [
          'tripstate.transition',
          { 'tripstate.tool': 'web_search', 'tripstate.state': 'open', 'tripstate.reason': 'threshold' },
        ],
      ]);
      await provider.shutdown();
    });
  });
});
