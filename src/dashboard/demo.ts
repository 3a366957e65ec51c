import { createRegistry, type Registry } from '../registry.js';

/** A simulated tool: how its calls fail at a moment of the demo. */
interface DemoTool {
  readonly name: string;
  /** The error of a call `t` ms into the demo, or undefined for a success. */
  readonly fails: (t: number) => Error | undefined;
}

const failure = (message: string, props: Record<string, unknown>): Error =>
  Object.assign(new Error(message), props);
const reset = (): Error => failure('connection reset', { code: 'ECONNRESET' });
/** True during `down` ms of every `cycle` ms, starting `phase` ms in. */
const outage = (t: number, cycle: number, down: number, phase: number): boolean =>
  (t + cycle - phase) % cycle < down;

const TOOLS: readonly DemoTool[] = [
  {
    name: 'mcp:github/search_issues',
    fails: (t) => (outage(t, 40_000, 14_000, 2_000) ? reset() : undefined),
  },
  {
    name: 'http:weather-api',
    fails: (t) => (outage(t, 30_000, 9_000, 9_000) ? failure('429', { status: 429 }) : undefined),
  },
  {
    name: 'llm:anthropic/messages',
    fails: (t) => (outage(t, 55_000, 20_000, 15_000) ? failure('503', { status: 503 }) : undefined),
  },
  { name: 'shell.exec', fails: () => (Math.random() < 0.35 ? failure('exit 1', {}) : undefined) },
  { name: 'web.search', fails: () => (Math.random() < 0.03 ? reset() : undefined) },
  {
    name: 'fs.read_file',
    fails: () => (Math.random() < 0.2 ? failure('bad path', { status: 400 }) : undefined),
  },
  { name: 'code.run_python', fails: () => undefined },
];

/** A running demo: a registry whose simulated tools are called every `tickMs`. */
export interface Demo {
  readonly registry: Registry;
  stop(): void;
}

/**
 * Starts a registry with simulated tools on real, short backoffs: outages open circuits, which
 * probe and close again. `extraTools` adds healthy tools (`tool-0001`, ...) to show a big registry.
 */
export function startDemo(extraTools = 0, tickMs = 400): Demo {
  const registry = createRegistry({
    defaults: { failureThreshold: 3, minBackoffMs: 4_000, maxBackoffMs: 30_000, probeTimeoutMs: 10_000 },
  });
  const tools = [...TOOLS];
  for (let i = 1; i <= extraTools; i++) {
    const name = `tool-${String(i).padStart(4, '0')}`;
    tools.push({ name, fails: () => (Math.random() < 0.02 ? reset() : undefined) });
  }
  for (const tool of tools) registry.breaker(tool.name);
  registry.isolate('code.run_python');
  const start = Date.now();
  const timer = setInterval(() => {
    const t = Date.now() - start;
    for (const tool of tools) {
      registry
        .execute(tool.name, () => {
          const error = tool.fails(t);
          if (error !== undefined) throw error;
        })
        .catch(() => undefined);
    }
  }, tickMs);
  return {
    registry,
    stop() {
      clearInterval(timer);
      registry.stop();
    },
  };
}
