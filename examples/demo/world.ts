/**
 * The simulated world of the demo session: tools and LLM providers that fail in the ways
 * agent runtimes see, on simulated time, with a seeded random source.
 */
import { classifyError, type ErrorCategory } from '../../src/index.js';
import type { SimulatedTime } from './sim.js';

/** The model passed arguments the tool refuses: never the tool's fault. */
export class ToolArgumentError extends Error {
  override readonly name = 'ToolArgumentError';
}

/** The demo's classifier, composed with the default: the model's bad arguments never count. */
export const classify = (error: unknown): ErrorCategory =>
  error instanceof ToolArgumentError ? 'invalid_parameters' : classifyError(error);

const networkError = (): Error =>
  Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' });

/** An HTTP error as fetch wrappers throw it. */
const httpError = (status: number, message: string, headers: Record<string, string> = {}): Error =>
  Object.assign(new Error(`HTTP ${status}: ${message}`), { status, headers });

/** Simulated seconds at which each failure pattern starts or ends. */
export const TIMELINE = {
  /** web_fetch's network is flaky in [start, end). */
  flakyNetwork: { start: 15_000, end: 60_000 },
  /** weather_api enforces a quota of `calls` per `windowMs` until `until`. */
  rateLimit: { calls: 2, windowMs: 20_000, until: 100_000 },
  /** code_search's backend stops answering at this time, for good; calls time out after `timeoutMs`. */
  hang: { from: 25_000, timeoutMs: 8_000 },
  /** llm:primary answers 503 from this time on. */
  primaryDown: 40_000,
} as const;

/** Counts of what reached a tool or provider. */
export interface Usage {
  calls: number;
  ok: number;
  failed: number;
  /** Category of the latest failure. */
  lastCategory: ErrorCategory | null;
}

/** Creates the tools and providers; `usage` counts what actually reached each one. */
export function createWorld(time: SimulatedTime, random: () => number) {
  const usage = new Map<string, Usage>();
  const count = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const u = usage.get(name) ?? { calls: 0, ok: 0, failed: 0, lastCategory: null };
    usage.set(name, u);
    u.calls++;
    try {
      const value = await work();
      u.ok++;
      return value;
    } catch (error) {
      u.failed++;
      u.lastCategory = classify(error);
      throw error;
    }
  };

  let window = -1;
  let windowCalls = 0;

  const tools = {
    /** Flaky network: mostly fine, but resets connections during a bad period. */
    web_fetch: (url: string) =>
      count('web_fetch', async () => {
        await time.sleep(300);
        const { start, end } = TIMELINE.flakyNetwork;
        const bad = time.now() >= start && time.now() < end;
        if (random() < (bad ? 0.9 : 0.04)) throw networkError();
        return `200 OK ${url}`;
      }),
    /** A rate-limited API: over its quota it answers 429 with Retry-After. */
    weather_api: (city: string) =>
      count('weather_api', async () => {
        await time.sleep(200);
        const { calls, windowMs, until } = TIMELINE.rateLimit;
        if (time.now() >= until) return `${city}: 18°C`;
        const current = Math.floor(time.now() / windowMs);
        if (current !== window) {
          window = current;
          windowCalls = 0;
        }
        if (++windowCalls > calls) {
          const seconds = Math.ceil(((current + 1) * windowMs - time.now()) / 1000);
          throw httpError(429, 'quota exceeded', { 'retry-after': String(seconds) });
        }
        return `${city}: 18°C`;
      }),
    /** Hangs once its backend dies: the call ends only by its own timeout. */
    code_search: (query: string) =>
      count('code_search', async () => {
        if (time.now() < TIMELINE.hang.from) {
          await time.sleep(400);
          return `3 matches for ${query}`;
        }
        const signal = time.timeoutSignal(TIMELINE.hang.timeoutMs);
        return new Promise<string>((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        });
      }),
    /** The model keeps passing a path outside the workspace. */
    file_write: (path: string) =>
      count('file_write', async () => {
        await time.sleep(50);
        if (path.startsWith('/') || path.includes('..'))
          throw new ToolArgumentError(`path ${path} is outside the workspace`);
        return `wrote ${path}`;
      }),
  };

  const providers: Record<string, (prompt: string) => Promise<string>> = {
    'llm:primary': (prompt) =>
      count('llm:primary', async () => {
        await time.sleep(time.now() >= TIMELINE.primaryDown ? 150 : 400);
        if (time.now() >= TIMELINE.primaryDown) throw httpError(503, 'service unavailable');
        return `primary: ${prompt}`;
      }),
    'llm:fallback': (prompt) =>
      count('llm:fallback', async () => {
        await time.sleep(700);
        return `fallback: ${prompt}`;
      }),
  };

  return { tools, providers, usage };
}
