import { describe, expect, it } from 'vitest';
import { BrokenCircuitError, classifyError, parseRetryAfter, retryAfterFromError } from '../src/index.js';

const withStatus = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });
const withCode = (code: string) => Object.assign(new Error(code), { code });
const named = (name: string) => Object.assign(new Error(name), { name });

describe('classifyError', () => {
  it.each([
    [429, 'rate_limit'],
    [408, 'timeout'],
    [504, 'timeout'],
    [502, 'service_unavailable'],
    [503, 'service_unavailable'],
    [500, 'execution_error'],
    [599, 'execution_error'],
    [401, 'authentication'],
    [403, 'permission_denied'],
    [404, 'resource_not_found'],
    [400, 'invalid_parameters'],
    [422, 'invalid_parameters'],
  ])('maps HTTP %i to %s', (status, category) => {
    expect(classifyError(withStatus(status))).toBe(category);
    expect(classifyError({ statusCode: status })).toBe(category);
    expect(classifyError({ response: { status } })).toBe(category);
  });

  it('maps a fetch Response by its status', () => {
    expect(classifyError(new Response(null, { status: 503 }))).toBe('service_unavailable');
  });

  it.each([
    ['ECONNRESET', 'network'],
    ['ECONNREFUSED', 'network'],
    ['ENOTFOUND', 'network'],
    ['EAI_AGAIN', 'network'],
    ['EPIPE', 'network'],
    ['ETIMEDOUT', 'timeout'],
    ['UND_ERR_SOCKET', 'network'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
  ])('maps the network code %s to %s, also wrapped in cause', (code, category) => {
    expect(classifyError(withCode(code))).toBe(category);
    expect(classifyError(new TypeError('fetch failed', { cause: withCode(code) }))).toBe(category);
    expect(classifyError(new Error('request failed', { cause: withCode(code) }))).toBe(category);
  });

  it('reads fields assigned to a plain Error (the fast path for bare errors skips none of them)', () => {
    expect(classifyError(Object.assign(new Error('slow down'), { status: 429 }))).toBe('rate_limit');
    const named = new Error('gave up');
    named.name = 'TimeoutError';
    expect(classifyError(named)).toBe('timeout');
    expect(classifyError(Object.assign(new Error('x'), { lastError: withCode('ECONNRESET') }))).toBe(
      'network',
    );
  });

  it('maps AbortError to cancelled and TimeoutError to timeout', () => {
    expect(classifyError(named('AbortError'))).toBe('cancelled');
    expect(classifyError(named('TimeoutError'))).toBe('timeout');
    expect(classifyError(AbortSignal.abort().reason)).toBe('cancelled');
  });

  it('maps a nested breaker rejection to circuit_open', () => {
    expect(classifyError(new BrokenCircuitError('open', 10))).toBe('circuit_open');
  });

  it.each([undefined, null, 'boom', 0, Symbol('x'), {}, [], new Error('plain'), Object.create(null)])(
    'maps %s to execution_error without throwing',
    (value) => expect(classifyError(value)).toBe('execution_error'),
  );

  it('survives hostile values: throwing getters and cyclic causes', () => {
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    const cyclic: { cause?: unknown } = {};
    cyclic.cause = cyclic;
    expect(classifyError(trap)).toBe('execution_error');
    expect(classifyError(cyclic)).toBe('execution_error');
  });
});

describe('Retry-After', () => {
  it('parses delta seconds and HTTP dates', () => {
    const now = Date.parse('Mon, 23 Nov 2026 12:00:00 GMT');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('refuses values that are neither whole seconds nor an HTTP date', () => {
    const now = Date.parse('Mon, 23 Nov 2026 12:00:00 GMT');
    for (const value of ['1.5', '-5', '', '  ', '1e3', '0x10', 'NaN', '12:00'])
      expect(parseRetryAfter(value, now), value).toBeUndefined();
    expect(parseRetryAfter(-1, now)).toBeUndefined();
    expect(parseRetryAfter(Number.NaN, now)).toBeUndefined();
  });

  it('reads the header of a 429 or 503 only, from Headers or a plain record', () => {
    const now = 0;
    expect(
      retryAfterFromError(new Response(null, { status: 429, headers: { 'Retry-After': '7' } }), now),
    ).toBe(7_000);
    expect(retryAfterFromError({ status: 503, headers: { 'retry-after': '2' } }, now)).toBe(2_000);
    expect(
      retryAfterFromError({ response: { status: 429, headers: new Headers({ 'retry-after': '1' }) } }, now),
    ).toBe(1_000);
    expect(retryAfterFromError({ status: 500, headers: { 'retry-after': '2' } }, now)).toBeUndefined();
    expect(retryAfterFromError('nope', now)).toBeUndefined();
  });
});

describe('errors of the AI SDK', () => {
  it("reads an APICallError's statusCode and responseHeaders", () => {
    const apiCallError = Object.assign(new Error('Too Many Requests'), {
      name: 'AI_APICallError',
      statusCode: 429,
      responseHeaders: { 'retry-after': '30' },
    });
    expect(classifyError(apiCallError)).toBe('rate_limit');
    expect(retryAfterFromError(apiCallError, 0)).toBe(30_000);
  });

  it("follows a RetryError's lastError", () => {
    const lastError = Object.assign(new Error('overloaded'), {
      statusCode: 503,
      responseHeaders: { 'retry-after': '5' },
    });
    const retryError = Object.assign(new Error('Failed after 3 attempts'), {
      name: 'AI_RetryError',
      lastError,
      errors: [lastError],
    });
    expect(classifyError(retryError)).toBe('service_unavailable');
    expect(retryAfterFromError(retryError, 0)).toBe(5_000);
  });
});
