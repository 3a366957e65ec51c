/**
 * The edges of the breaker chart's transient `starting` state: which one a chart takes when it
 * starts new (no `start`) or in a given state (a restored snapshot, or a dormant breaker that
 * wakes, which starts in `closed`, or in `open` when the failure that woke it trips), chosen by
 * the chart's own guards.
 */
import type { AnyTransitionDefinition } from 'xstate';
import { breakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerStartValue, StartOutcome } from '../../machines/breaker.start.js';
import type { BreakerConfig, BreakerContext } from '../../machines/breaker.types.js';
import { edgeKey } from './coverage.js';

type Guard = (args: { context: unknown; event: unknown }) => boolean;

const guards = breakerMachine.implementations.guards as unknown as Record<string, Guard>;

/** A dormant breaker woken by a failure: its closed context and the failure it hands its chart. */
export interface WakingOutcome {
  readonly context: BreakerContext;
  readonly outcome: StartOutcome;
}

/**
 * The name (as `machineGraphKeys` names it) of the `starting` edge a chart with `config` takes
 * when it starts in `value`, or new when `value` is undefined; `woken`: closed, with the
 * failure that woke it (`start.outcome`) read by the guards against its context.
 */
export function startEdge(
  config: BreakerConfig,
  value: BreakerStartValue | undefined,
  woken?: WakingOutcome,
): string {
  const starting = breakerMachine.getStateNodeById('breaker.starting');
  const context = woken?.context ?? {};
  const start = { value, context, at: 0, ...(woken === undefined ? {} : { outcome: woken.outcome }) };
  const input = value === undefined ? { config } : { config, start };
  const event = { type: 'xstate.init', input };
  const taken = (starting.always ?? []).find((transition: AnyTransitionDefinition) => {
    const guard = transition.guard as string | undefined;
    return guard === undefined || (guards[guard]?.({ context, event }) ?? false);
  });
  if (taken === undefined) throw new Error(`tripstate: no start edge for ${JSON.stringify(value)}`);
  return edgeKey(taken);
}
