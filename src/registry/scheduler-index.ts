import type { ActorSystem } from 'xstate';

type AnyActorSystem = ActorSystem<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any actor system

type Scheduler = AnyActorSystem['scheduler'];

const indexed = new WeakSet<Scheduler>();

/**
 * Makes the actor system's `scheduler.cancelAll(actor)` cost what that actor has scheduled.
 *
 * XState (5.33) cancels a stopping actor's delayed events by scanning every scheduled event of
 * the whole actor system (`cancelAll` walks `_scheduledEvents`). With thousands of open circuits
 * in one registry, each holding its backoff timer, stopping them one by one is quadratic: 20,000
 * took 43 s. This keeps, beside XState's own table, the ids each actor scheduled, so `cancelAll`
 * cancels exactly those through XState's own `cancel`. Ids of events that already fired are
 * harmless to cancel again and are pruned once an actor's set doubles, so the index stays as
 * large as what is pending. docs/registry.md describes the change upstream that makes it unneeded.
 */
export function indexScheduler(system: AnyActorSystem): void {
  const scheduler = system.scheduler;
  if (indexed.has(scheduler)) return;
  indexed.add(scheduler);
  const schedule = scheduler.schedule.bind(scheduler);
  const cancel = scheduler.cancel.bind(scheduler);
  /** Per actor session: the ids of its delayed events, and the size at which to prune them. */
  const byActor = new Map<string, { ids: Set<string>; pruneAt: number }>();
  scheduler.schedule = (source, target, event, delay, id) => {
    const eventId = id ?? Math.random().toString(36).slice(2);
    schedule(source, target, event, delay, eventId);
    let entry = byActor.get(source.sessionId);
    if (entry === undefined) byActor.set(source.sessionId, (entry = { ids: new Set(), pruneAt: 8 }));
    entry.ids.add(eventId);
    if (entry.ids.size >= entry.pruneAt) {
      const live = ownScheduled(system, source.sessionId, entry.ids);
      entry.ids = live;
      entry.pruneAt = Math.max(8, live.size * 2);
    }
  };
  scheduler.cancel = (source, id) => {
    cancel(source, id);
    byActor.get(source.sessionId)?.ids.delete(id);
  };
  scheduler.cancelAll = (actor) => {
    const entry = byActor.get(actor.sessionId);
    if (entry === undefined) return;
    byActor.delete(actor.sessionId);
    for (const id of entry.ids) cancel(actor, id);
  };
}

/**
 * The ids of `ids` still scheduled by the actor of `sessionId` (one lookup each, in XState's
 * table, keyed `${sessionId}.${id}`); all of them if that table is not where XState 5.33 keeps it.
 */
function ownScheduled(system: AnyActorSystem, sessionId: string, ids: Set<string>): Set<string> {
  const table = (system as unknown as { _snapshot?: { _scheduledEvents?: object } })._snapshot
    ?._scheduledEvents;
  if (table === undefined) return ids;
  const live = new Set<string>();
  for (const id of ids) if (Object.prototype.hasOwnProperty.call(table, `${sessionId}.${id}`)) live.add(id);
  return live;
}
