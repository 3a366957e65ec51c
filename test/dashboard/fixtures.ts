import { SimulatedClock } from 'xstate';
import { serveDashboard, type DashboardHandle, type DashboardOptions } from '../../src/dashboard/index.js';
import { createRegistry, type Registry } from '../../src/index.js';

/** A registry on a simulated clock, served by a dashboard; `stop()` closes both. */
export interface Served {
  readonly registry: Registry;
  readonly clock: SimulatedClock;
  readonly dashboard: DashboardHandle;
  stop(): Promise<void>;
}

/** Breakers that open after 3 failures and probe after 5 s of simulated time. */
export async function serve(options: DashboardOptions = {}): Promise<Served> {
  const clock = new SimulatedClock();
  const registry = createRegistry({
    defaults: { clock, failureThreshold: 3, minBackoffMs: 5_000, maxBackoffMs: 60_000 },
  });
  const dashboard = await serveDashboard(registry, options);
  return {
    registry,
    clock,
    dashboard,
    async stop() {
      await dashboard.close();
      registry.stop();
    },
  };
}

/** Records `n` network failures of a tool. */
export function fail(registry: Registry, tool: string, n = 3): void {
  for (let i = 0; i < n; i++) registry.tryAcquire(tool)?.failure('network');
}

/** Tool names as a model might produce them, written to break naive HTML. */
export const HOSTILE_NAMES = [
  '<script>window.__pwned = 1</script>',
  `"><img src=x onerror="window.__pwned = 2">`,
  `it's a "quoted" & <b>bold</b> tool`,
] as const;
