/**
 * One step of the registry test model: what an event does to the tools' breaker charts, to
 * `registryMachine` and to the shared clock, composed from the charts themselves.
 */
import { transition, type AnyStateNode } from 'xstate';
import { breakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerEmitted } from '../../machines/breaker.types.js';
import {
  registryMachine,
  type RegistryEmitted,
  type RegistryEvent,
} from '../../machines/registry.machine.js';
import { breakerTestMachine, type BreakerModelEvent, type BreakerModelSnapshot } from './machine.js';
import { modelState } from './model.js';
import { registryEdgesTaken } from './registry-coverage.js';
import type {
  RegistryModelEmitted,
  RegistryModelEvent,
  RegistryModelSnapshot,
  RegistrySnapshot,
  ToolModel,
} from './registry-model.types.js';

/** The pending timer of a tool's breaker: the test variant's event and its deadline. */
export function toolTimer(tool: ToolModel): { type: BreakerModelEvent['type']; at: number } | null {
  const c = tool.breaker.context;
  if (c.retryAt !== null) return { type: 'clock.backoffElapsed', at: c.retryAt };
  if (c.probeStartedAt !== null)
    return { type: 'clock.probeTimedOut', at: c.probeStartedAt + c.config.probeTimeoutMs };
  return null;
}

/** A breaker snapshot whose time is `now` (the tools share one clock). */
export function atTime(snapshot: BreakerModelSnapshot, now: number): BreakerModelSnapshot {
  if (snapshot.context.test.now === now) return snapshot;
  return breakerTestMachine.resolveState({
    value: snapshot.value,
    context: { ...snapshot.context, test: { ...snapshot.context.test, now } },
  });
}

const emittedBy = <E>(actions: readonly { type: string; params?: unknown }[]): E[] =>
  actions
    .filter((action) => action.type === 'xstate.emit')
    .map((action) => (action.params as { event: E }).event);

/** One step being built: the model's state, changed in place, and what it emits. */
class Step {
  now: number;
  tools: ToolModel[];
  registry: RegistrySnapshot;
  openTools: string[];
  timersSet: number;
  readonly emitted: RegistryModelEmitted[] = [];
  readonly registryEdges: string[] = [];
  admitted: boolean | null = null;
  /** The shard each breaker spawned in this step went to. */
  readonly shards = new Map<string, string | null>();

  constructor(
    from: RegistryModelSnapshot,
    readonly inspected: boolean,
  ) {
    this.now = from.now;
    this.tools = [...from.tools];
    this.registry = from.registry;
    this.openTools = [...from.openTools];
    this.timersSet = from.timersSet;
  }

  send(event: RegistryEvent): void {
    const [next, actions] = transition(registryMachine, this.registry, event);
    this.registryEdges.push(...registryEdgesTaken(this.registry, event, next));
    this.registry = next;
    for (const e of emittedBy<RegistryEmitted>(actions)) {
      if (e.type === 'warning') continue; // a dropped tool event: never sent by the runtime
      this.emitted.push(e.type === 'recoveryPause' ? { ...e, openTools: [...this.openTools] } : e);
    }
  }

  index(tool: string): number {
    const index = this.tools.findIndex((t) => t.tool === tool);
    if (index < 0) throw new Error(`registry model: unknown tool "${tool}"`);
    return index;
  }

  /** Sends a breaker event to a tool's chart, and what the registry does with its events. */
  breaker(tool: string, event: BreakerModelEvent, wake: boolean): void {
    const i = this.index(tool);
    const before = this.tools[i]!;
    let presence = before.presence;
    if (presence === 'unseen') {
      // A registry with an inspector gives every tool an actor when it first sees it.
      if (this.inspected) this.spawn(tool, before.breaker);
      presence = this.inspected ? 'live' : 'dormant';
    }
    const [after, actions] = transition(breakerTestMachine, before.breaker, event);
    const live = presence === 'live' || wake || modelState(after) !== 'closed';
    if (live && presence !== 'live') this.spawn(tool, before.breaker);
    const timer = toolTimer({ ...before, breaker: after });
    const rearmed = timer !== null && timerNodesEntered(before.breaker, after);
    this.tools[i] = {
      tool,
      presence: live ? 'live' : presence,
      breaker: after,
      armed: timer === null ? null : rearmed ? ++this.timersSet : before.armed,
      shard: this.shards.get(tool) ?? before.shard,
    };
    if (event.type === 'call.requested') {
      this.admitted = after.context.deniedRequests === before.breaker.context.deniedRequests;
    }
    // A breaker's event comes first, then what it causes in the registry (a recoveryPause).
    for (const e of emittedBy<BreakerEmitted>(actions)) {
      this.emitted.push({ ...e, tool });
      if (e.type !== 'rejected') this.track(tool, e.type === 'opened' || e.type === 'isolated');
    }
  }

  /** The registry chart spawns the tool's breaker in its open shard (the model keeps which one). */
  spawn(tool: string, breaker: BreakerModelSnapshot): void {
    this.send({ type: 'breaker.spawn', tool, input: { config: breaker.context.config } });
    this.shards.set(tool, this.registry.context.spawningShard);
  }

  /** The registry's set of open circuits, and the chart's count of them. */
  track(tool: string, open: boolean): void {
    if (open === this.openTools.includes(tool)) return;
    this.openTools = open ? [...this.openTools, tool] : this.openTools.filter((t) => t !== tool);
    this.send({ type: open ? 'breaker.opened' : 'breaker.recovered', tool });
  }

  /** The registry forgets a tool: it is new and closed again. */
  forget(tool: string, fresh: BreakerModelSnapshot): void {
    const i = this.index(tool);
    const known = this.tools[i]!;
    if (known.presence === 'unseen') return;
    if (known.presence === 'live') {
      // One event stops the actor and, for an open circuit, counts it recovered.
      const wasOpen = this.openTools.includes(tool);
      if (wasOpen) this.openTools = this.openTools.filter((t) => t !== tool);
      const shard = known.shard as string;
      this.send({ type: 'breaker.stop', tool, shard, wasOpen });
      this.tools[i] = { tool, presence: 'unseen', breaker: fresh, armed: null, shard: null };
      // The shard's last breaker stopped: the shard tells the registry.
      if (!this.tools.some((t) => t.presence === 'live' && t.shard === shard))
        this.send({ type: 'shard.emptied', shard });
      return;
    }
    this.tools[i] = { tool, presence: 'unseen', breaker: fresh, armed: null, shard: null };
  }

  done(): RegistryModelSnapshot {
    return {
      status: 'active',
      output: undefined,
      error: undefined,
      now: this.now,
      tools: this.tools.map((t) => ({ ...t, breaker: atTime(t.breaker, this.now) })),
      registry: this.registry,
      openTools: this.openTools,
      timersSet: this.timersSet,
      last: { emitted: this.emitted, registryEdges: this.registryEdges, admitted: this.admitted },
    };
  }
}

/** State node ids of `breakerMachine` that set a timer on entry (those with `after`). */
const TIMER_NODES: ReadonlySet<string> = new Set(
  (function timed(node: AnyStateNode): string[] {
    const own = node.after.length > 0 ? [node.id] : [];
    return [...own, ...Object.values(node.states).flatMap(timed)];
  })(breakerMachine.root),
);

function timerNodesEntered(before: BreakerModelSnapshot, after: BreakerModelSnapshot): boolean {
  const was = new Set(before._nodes.map((node) => node.id));
  return after._nodes.some((node) => TIMER_NODES.has(node.id) && !was.has(node.id));
}

/** The breaker event a model event stands for, at the model's time. */
function breakerEvent(event: RegistryModelEvent, tool: ToolModel, now: number): BreakerModelEvent {
  const c = tool.breaker.context;
  switch (event.type) {
    case 'call.requested':
      return { type: 'call.requested', at: event.intent === 'late' ? (c.retryAt ?? now) : now };
    case 'call.succeeded':
      return { type: 'call.succeeded', generation: c.generation, at: now };
    case 'call.failed':
      return { type: 'call.failed', generation: c.generation, category: event.category, at: now };
    case 'call.released':
      return { type: 'call.released', generation: c.generation, at: now };
    case 'breaker.reset':
    case 'breaker.isolate':
    case 'breaker.release':
      return { type: event.type, at: now };
    default:
      throw new Error(`registry model: ${event.type} is not a tool event`);
  }
}

/** Timers due by the next deadline (or overdue), in the order the clock fires them. */
export function dueTimers(
  snapshot: RegistryModelSnapshot,
): { at: number; tools: readonly ToolModel[] } | null {
  const pending = snapshot.tools.filter((t) => toolTimer(t) !== null);
  if (pending.length === 0) return null;
  const at = Math.max(snapshot.now, Math.min(...pending.map((t) => toolTimer(t)!.at)));
  const due = pending
    .filter((t) => toolTimer(t)!.at <= at)
    .sort((x, y) => toolTimer(x)!.at - toolTimer(y)!.at || x.armed! - y.armed!);
  return { at, tools: due };
}

export function nextSnapshot(
  snapshot: RegistryModelSnapshot,
  event: RegistryModelEvent,
  fresh: (tool: string) => BreakerModelSnapshot,
  inspected: boolean,
): RegistryModelSnapshot {
  const step = new Step(snapshot, inspected);
  switch (event.type) {
    case 'registry.reset':
      step.forget(event.tool, fresh(event.tool));
      break;
    case 'registry.resetAll':
      // The breakers stop with their shards, which the chart stops at once: no stop event each.
      step.openTools = [];
      step.tools = snapshot.tools.map((t) => ({
        tool: t.tool,
        presence: 'unseen',
        breaker: fresh(t.tool),
        armed: null,
        shard: null,
      }));
      step.send({ type: 'registry.resetAll' });
      break;
    case 'clock.advance': {
      const due = dueTimers(snapshot);
      if (due === null) break;
      for (const tool of due.tools) step.breaker(tool.tool, toolTimer(tool)! as BreakerModelEvent, false);
      step.now = due.at;
      break;
    }
    default: {
      const tool = step.tools[step.index(event.tool)]!;
      const concrete = breakerEvent(event, tool, snapshot.now);
      if ('at' in concrete && concrete.at !== undefined && concrete.at > step.now) step.now = concrete.at;
      const wake = event.type === 'breaker.reset' || event.type === 'breaker.isolate';
      if (event.type === 'breaker.release' && tool.presence === 'unseen') break;
      step.breaker(event.tool, concrete, wake);
    }
  }
  return step.done();
}
