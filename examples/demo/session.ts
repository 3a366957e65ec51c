/**
 * The simulated agent session: each turn the model (two LLM providers as AI SDK models behind
 * `breakerMiddleware`, asked through `firstAvailable`) picks a tool, the tool runs through its breaker (`withBreakers`), and the model
 * reads a disabled tool's structured result and stays away until its retry time.
 */
import { tool } from 'ai';
import { z } from 'zod';
import { withBreakers, isToolDisabledResult } from '../../src/adapters/ai.js';
import { isNoProviderAvailableError } from '../../src/failover.js';
import { createRegistry, type Registry } from '../../src/index.js';
import { ask, guardedModels } from './models.js';
import { SimulatedTime, seededRandom } from './sim.js';
import { classify, createWorld, type Usage } from './world.js';

/** Simulated milliseconds the session lasts. */
export const SESSION_MS = 180_000;
export const TOOLS = ['web_fetch', 'weather_api', 'code_search', 'file_write'] as const;
export const PROVIDERS = ['llm:primary', 'llm:fallback'] as const;
const WEIGHTS: Record<(typeof TOOLS)[number], number> = {
  web_fetch: 4,
  weather_api: 3,
  code_search: 2,
  file_write: 1,
};

/** What the session reports as it goes. */
export interface SessionHooks {
  /** After each turn (the view redraws here; the simulated clock is still). */
  readonly onTurn?: (turn: number) => Promise<void> | void;
  /** A line about something that happened. */
  readonly onEvent?: (at: number, subject: string, text: string) => void;
}

/** Creates the session: registry on simulated time, world, wrapped tools. */
export function createSession(seed: number) {
  const time = new SimulatedTime();
  const random = seededRandom(seed);
  const world = createWorld(time, random);
  const registry: Registry = createRegistry({
    defaults: { failureThreshold: 3, minBackoffMs: 4_000, maxBackoffMs: 60_000, clock: time.clock, classify },
    overrides: [
      { prefix: 'llm:', options: { failureThreshold: 2, minBackoffMs: 10_000, maxBackoffMs: 120_000 } },
      { tool: 'weather_api', options: { failureThreshold: 2, minBackoffMs: 2_000 } },
      { tool: 'code_search', options: { failureThreshold: 2, minBackoffMs: 5_000 } },
    ],
  });
  const tools = withBreakers(
    {
      web_fetch: tool({
        inputSchema: z.object({ url: z.string() }),
        execute: ({ url }) => world.tools.web_fetch(url),
      }),
      weather_api: tool({
        inputSchema: z.object({ city: z.string() }),
        execute: ({ city }) => world.tools.weather_api(city),
      }),
      code_search: tool({
        inputSchema: z.object({ query: z.string() }),
        execute: ({ query }) => world.tools.code_search(query),
      }),
      file_write: tool({
        inputSchema: z.object({ path: z.string() }),
        execute: ({ path }) => world.tools.file_write(path),
      }),
    },
    registry,
  );
  const args = { web_fetch: { url: 'https://example.com' }, weather_api: { city: 'Oslo' } } as const;
  const inputs: Record<string, unknown> = {
    ...args,
    code_search: { query: 'circuit breaker' },
    file_write: { path: '../../etc/hosts' },
  };
  const models = guardedModels(registry, world.providers);
  const rejected = new Map<string, number>();
  const longestOpenMs = new Map<string, number>();
  return { time, random, world, registry, tools, models, inputs, rejected, longestOpenMs };
}

export type Session = ReturnType<typeof createSession>;

/** Runs the session to its end. */
export async function runSession(session: Session, hooks: SessionHooks = {}): Promise<void> {
  const { time, random, registry, tools, models, inputs, rejected, longestOpenMs } = session;
  const say = (subject: string, text: string): void => hooks.onEvent?.(time.now(), subject, text);
  registry.on('opened', (e) => {
    longestOpenMs.set(e.tool, Math.max(longestOpenMs.get(e.tool) ?? 0, e.backoffMs));
    say(e.tool, `opened (${e.reason}, ${e.category ?? '?'}), backoff ${(e.backoffMs / 1000).toFixed(1)} s`);
  });
  registry.on('halfOpened', (e) => say(e.tool, 'half-open: next call probes'));
  registry.on('closed', (e) => say(e.tool, `closed (${e.reason})`));

  /** Until when the model stays away from a tool, from the disabled results it read. */
  const avoidUntil = new Map<string, number>();
  const pick = (): (typeof TOOLS)[number] => {
    const usable = TOOLS.filter((t) => (avoidUntil.get(t) ?? 0) <= time.now());
    const total = usable.reduce((sum, t) => sum + WEIGHTS[t], 0);
    let r = random() * total;
    for (const t of usable) if ((r -= WEIGHTS[t]) < 0) return t;
    return 'file_write';
  };

  for (let turn = 1; time.now() < SESSION_MS; turn++) {
    try {
      await time.run(ask(models, PROVIDERS, `turn ${turn}`));
    } catch (error) {
      say('model', isNoProviderAvailableError(error) ? error.message : String(error));
    }
    const name = pick();
    const execute = tools[name].execute as (input: unknown, options: object) => unknown;
    const output = await time.run(
      Promise.resolve()
        .then(() => execute(inputs[name], { toolCallId: `call-${turn}`, messages: [] }))
        .catch((error: unknown) => error),
    );
    if (isToolDisabledResult(output)) {
      rejected.set(name, (rejected.get(name) ?? 0) + 1);
      avoidUntil.set(name, time.now() + (output.retryAfterSeconds ?? 1) * 1000);
      say(name, `model read "${output.message}"`);
    }
    await hooks.onTurn?.(turn);
    await time.advance(500 + Math.floor(random() * 10) * 100);
  }
}

/** One row of the summary. */
export interface SummaryRow {
  readonly name: string;
  readonly state: string;
  readonly usage: Usage;
  readonly rejected: number;
  readonly openCount: number;
  readonly failureCount: number;
  readonly longestOpenS: number;
  readonly lastCategory: string;
  /** Milliseconds before the next probe; null unless open. */
  readonly remainingBackoffMs: number | null;
}

/** The summary of every tool and provider, read now. */
export function summarize(session: Session): SummaryRow[] {
  return [...TOOLS, ...PROVIDERS].map((name) => {
    const d = session.registry.diagnostics(name);
    return {
      name,
      state: d.state,
      usage: session.world.usage.get(name) ?? { calls: 0, ok: 0, failed: 0, lastCategory: null },
      rejected: d.deniedRequests,
      openCount: d.openCount,
      failureCount: d.failureCount,
      longestOpenS: (session.longestOpenMs.get(name) ?? 0) / 1000,
      lastCategory: session.world.usage.get(name)?.lastCategory ?? '-',
      remainingBackoffMs: d.remainingBackoffMs,
    };
  });
}
