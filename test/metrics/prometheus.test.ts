import { Registry as PromRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createBreaker, createRegistry } from '../../src/index.js';
import { registerPrometheusMetrics } from '../../src/metrics/prometheus.js';
import { TestClock } from '../../src/testing/index.js';

const defaults = { failureThreshold: 2, minBackoffMs: 1_000, maxBackoffMs: 8_000 };

/** Every sample of the exposition as `name{labels} value` lines, without HELP/TYPE lines. */
async function samples(register: PromRegistry): Promise<string[]> {
  const text = await register.metrics();
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

/** A registry with one open tool, one tool with a success, one with an ignored failure. */
function outage(clock = new TestClock(1_000)) {
  const registry = createRegistry({ defaults: { ...defaults, clock } });
  registry.tryAcquire('web_search')?.failure('network');
  registry.tryAcquire('web_search')?.failure('timeout');
  registry.tryAcquire('web_search'); // rejected: open
  registry.tryAcquire('read_file')?.success();
  registry.tryAcquire('shell')?.failure('invalid_parameters');
  return { registry, clock };
}

describe('registerPrometheusMetrics', () => {
  it('exports state, calls, failures, rejections and transitions with the documented names and labels', async () => {
    const { registry } = outage();
    const register = new PromRegistry();
    registerPrometheusMetrics(registry, { register });
    const lines = await samples(register);
    expect(lines).toEqual(
      expect.arrayContaining([
        'tripstate_circuit_state{tool="web_search",state="open"} 1',
        'tripstate_circuit_state{tool="web_search",state="closed"} 0',
        'tripstate_circuit_state{tool="web_search",state="half_open"} 0',
        'tripstate_circuit_state{tool="web_search",state="isolated"} 0',
        'tripstate_circuit_state{tool="read_file",state="closed"} 1',
        'tripstate_calls_total{tool="web_search",outcome="failure"} 2',
        'tripstate_calls_total{tool="read_file",outcome="success"} 1',
        'tripstate_calls_total{tool="shell",outcome="ignored"} 1',
        'tripstate_failures_total{tool="web_search",category="network"} 1',
        'tripstate_failures_total{tool="web_search",category="timeout"} 1',
        'tripstate_failures_total{tool="shell",category="invalid_parameters"} 1',
        'tripstate_rejected_calls_total{tool="web_search"} 1',
        'tripstate_state_transitions_total{tool="web_search",to="open"} 1',
        'tripstate_state_transitions_total{tool="web_search",to="closed"} 0',
        'tripstate_unexported_tools 0',
      ]),
    );
    const names = new Set(lines.map((line) => line.replace(/[{ ].*/, '')));
    expect([...names].sort()).toEqual([
      'tripstate_calls_total',
      'tripstate_circuit_state',
      'tripstate_failures_total',
      'tripstate_rejected_calls_total',
      'tripstate_state_transitions_total',
      'tripstate_unexported_tools',
    ]);
  });

  it('reads values at scrape time: a tool that recovers shows closed at the next scrape', async () => {
    const { registry, clock } = outage();
    const register = new PromRegistry();
    registerPrometheusMetrics(registry, { register });
    expect(await samples(register)).toContain('tripstate_circuit_state{tool="web_search",state="open"} 1');
    clock.advance(1_000);
    registry.tryAcquire('web_search')?.success();
    const lines = await samples(register);
    expect(lines).toContain('tripstate_circuit_state{tool="web_search",state="closed"} 1');
    expect(lines).toContain('tripstate_state_transitions_total{tool="web_search",to="half_open"} 1');
    expect(lines).toContain('tripstate_state_transitions_total{tool="web_search",to="closed"} 1');
  });

  it('drops the series of a tool the registry evicted or reset', async () => {
    const registry = createRegistry({ defaults, maxTools: 2 });
    const register = new PromRegistry();
    registerPrometheusMetrics(registry, { register });
    registry.tryAcquire('a')?.success();
    registry.tryAcquire('b')?.success();
    expect((await samples(register)).some((l) => l.includes('tool="a"'))).toBe(true);
    registry.tryAcquire('c')?.success();
    registry.tryAcquire('d')?.success();
    const lines = await samples(register);
    expect(lines.some((l) => l.includes('tool="a"'))).toBe(false);
    registry.reset('d');
    expect((await samples(register)).some((l) => l.includes('tool="d"'))).toBe(false);
  });

  it("emits resilience4j-micrometer's names and labels with naming: 'resilience4j'", async () => {
    const { registry } = outage();
    registry.isolate('admin_tool');
    const register = new PromRegistry();
    registerPrometheusMetrics(registry, { register, naming: 'resilience4j' });
    const lines = await samples(register);
    expect(lines).toEqual(
      expect.arrayContaining([
        'resilience4j_circuitbreaker_state{name="web_search",state="open"} 1',
        'resilience4j_circuitbreaker_state{name="web_search",state="half_open"} 0',
        'resilience4j_circuitbreaker_state{name="admin_tool",state="forced_open"} 1',
        'resilience4j_circuitbreaker_calls_seconds_count{name="web_search",kind="failed"} 2',
        'resilience4j_circuitbreaker_calls_seconds_count{name="read_file",kind="successful"} 1',
        'resilience4j_circuitbreaker_calls_seconds_count{name="shell",kind="ignored"} 1',
        'resilience4j_circuitbreaker_not_permitted_calls_total{name="web_search",kind="not_permitted"} 1',
      ]),
    );
  });

  it('labels a standalone breaker with its `tool` option', async () => {
    const breaker = createBreaker({ failureThreshold: 1 });
    breaker.tryAcquire()?.failure('network');
    const register = new PromRegistry();
    registerPrometheusMetrics(breaker, { register, tool: 'llm', prefix: 'agent_' });
    expect(await samples(register)).toContain('agent_circuit_state{tool="llm",state="open"} 1');
    breaker.stop();
  });

  it('keeps the series under maxSeries with 100,000 tools, open circuits first', async () => {
    const registry = createRegistry({ defaults: { failureThreshold: 1 }, maxTools: 200_000 });
    for (let i = 0; i < 100_000; i++) registry.tryAcquire(`tool-${i}`)?.success();
    for (const i of [99_999, 50_000, 7]) registry.tryAcquire(`tool-${i}`)?.failure('network');
    const register = new PromRegistry();
    registerPrometheusMetrics(registry, { register });
    const lines = await samples(register);
    expect(lines.length).toBeLessThanOrEqual(10_000);
    expect(lines.length).toBeGreaterThan(9_000);
    for (const i of [99_999, 50_000, 7])
      expect(lines).toContain(`tripstate_circuit_state{tool="tool-${i}",state="open"} 1`);
    const exported = new Set(lines.flatMap((l) => /tool="([^"]*)"/.exec(l)?.[1] ?? []));
    expect(lines).toContain(`tripstate_unexported_tools ${100_000 - exported.size}`);
    registry.stop();
  });

  it('unregisters every metric with the returned function, and can register again', async () => {
    const { registry } = outage();
    const register = new PromRegistry();
    const unregister = registerPrometheusMetrics(registry, { register });
    unregister();
    expect(await samples(register)).toEqual([]);
    registerPrometheusMetrics(registry, { register });
    expect((await samples(register)).length).toBeGreaterThan(0);
  });

  it('refuses bad arguments with typed errors and registers nothing', () => {
    const register = new PromRegistry();
    const registry = createRegistry();
    expect(() => registerPrometheusMetrics({} as never, { register })).toThrow(TypeError);
    expect(() => registerPrometheusMetrics(registry, {} as never)).toThrow(/prom-client Registry/);
    expect(() => registerPrometheusMetrics(registry, { register, naming: 'micrometer' as never })).toThrow(
      RangeError,
    );
    expect(() => registerPrometheusMetrics(registry, { register, maxSeries: 0 })).toThrow(/maxSeries/);
    expect(() => registerPrometheusMetrics(registry, { register, prefix: 'bad-prefix' })).toThrow(/prefix/);
    expect(() => registerPrometheusMetrics(registry, { register, durationz: true } as never)).toThrow(
      /unknown Prometheus metrics option "durationz"/,
    );
    expect(register.getMetricsAsArray()).toEqual([]);
  });
});

describe('registerPrometheusMetrics with durations and windows', () => {
  it('exports call durations as a histogram read at scrape time, with durations: true', async () => {
    const clock = new TestClock(1_000);
    const registry = createRegistry({ defaults: { ...defaults, clock } });
    const register = new PromRegistry();
    const unregister = registerPrometheusMetrics(registry, { register, durations: true });
    const fast = registry.tryAcquire('api');
    clock.advance(30);
    fast?.success();
    const slow = registry.tryAcquire('api');
    clock.advance(700);
    slow?.failure('network');
    const lines = await samples(register);
    expect(lines).toEqual(
      expect.arrayContaining([
        'tripstate_call_duration_seconds_bucket{le="0.025",tool="api",outcome="success"} 0',
        'tripstate_call_duration_seconds_bucket{le="0.05",tool="api",outcome="success"} 1',
        'tripstate_call_duration_seconds_bucket{le="+Inf",tool="api",outcome="success"} 1',
        'tripstate_call_duration_seconds_sum{tool="api",outcome="success"} 0.03',
        'tripstate_call_duration_seconds_count{tool="api",outcome="success"} 1',
        'tripstate_call_duration_seconds_bucket{le="0.5",tool="api",outcome="failure"} 0',
        'tripstate_call_duration_seconds_bucket{le="1",tool="api",outcome="failure"} 1',
        'tripstate_call_duration_seconds_count{tool="api",outcome="failure"} 1',
      ]),
    );
    expect(registry.breaker('api').measuresDurations).toBe(true);
    unregister();
    expect(registry.breaker('api').measuresDurations).toBe(false);
  });

  it('measures no duration without durations: true', async () => {
    const registry = createRegistry({ defaults });
    const register = new PromRegistry();
    registerPrometheusMetrics(registry, { register });
    registry.tryAcquire('api')?.success();
    expect(registry.breaker('api').measuresDurations).toBe(false);
    expect((await samples(register)).some((l) => l.includes('duration'))).toBe(false);
  });

  it('exports the window failure and slow-call rates, absent below minimumCalls', async () => {
    const clock = new TestClock(1_000);
    const registry = createRegistry({
      defaults: {
        ...defaults,
        clock,
        failureThreshold: 100,
        window: { calls: 10 },
        minimumCalls: 4,
        failureRateThreshold: 0.9,
        slowCallDurationMs: 100,
      },
    });
    const register = new PromRegistry();
    registerPrometheusMetrics(registry, { register });
    for (const outcome of ['ok', 'ok', 'slow', 'fail'] as const) {
      const permit = registry.tryAcquire('api');
      clock.advance(outcome === 'slow' ? 150 : 10);
      if (outcome === 'fail') permit?.failure('network');
      else permit?.success();
    }
    registry.tryAcquire('quiet')?.success();
    const lines = await samples(register);
    expect(lines).toContain('tripstate_failure_rate{tool="api"} 0.25');
    expect(lines).toContain('tripstate_slow_call_rate{tool="api"} 0.25');
    expect(lines.some((l) => l.startsWith('tripstate_failure_rate{tool="quiet"}'))).toBe(false);
    expect(registry.stats('api').slowCalls).toBe(1);
  });
});
