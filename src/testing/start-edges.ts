/**
 * The edges of the breaker chart's transient `starting` state: which one a chart takes when it
 * starts new (no `start`) or in a given state (a restored snapshot, or a dormant breaker that
 * wakes, which starts in `closed`), chosen by the chart's own guards.
 */
import type { AnyTransitionDefinition } from 'xstate';
import { breakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerStartValue } from '../../machines/breaker.start.js';
import type { BreakerConfig } from '../../machines/breaker.types.js';
import { edgeKey } from './coverage.js';

type Guard = (args: { context: unknown; event: unknown }) => boolean;

const guards = breakerMachine.implementations.guards as unknown as Record<string, Guard>;

/**
 * The name (as `machineGraphKeys` names it) of the `starting` edge a chart with `config` takes
 * when it starts in `value`, or new when `value` is undefined.
 */
export function startEdge(config: BreakerConfig, value: BreakerStartValue | undefined): string {
  const starting = breakerMachine.getStateNodeById('breaker.starting');
  const input = value === undefined ? { config } : { config, start: { value, context: {}, at: 0 } };
  const event = { type: 'xstate.init', input };
  const taken = (starting.always ?? []).find((transition: AnyTransitionDefinition) => {
    const guard = transition.guard as string | undefined;
    return guard === undefined || (guards[guard]?.({ context: {}, event }) ?? false);
  });
  if (taken === undefined) throw new Error(`tripstate: no start edge for ${JSON.stringify(value)}`);
  return edgeKey(taken);
}
