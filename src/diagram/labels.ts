/**
 * Names of guards and actions as a diagram shows them, read from XState's state nodes
 * (which keep `and()` / `or()` / `not()` guards and built-in actions that
 * `machine.definition` flattens or drops).
 */
import type { AnyStateMachine } from 'xstate';

type Fn = ((...args: never[]) => unknown) & Record<string, unknown>;

const isFn = (value: unknown): value is Fn => typeof value === 'function';

/** The `type` of a `{ type, params }` reference, or the string itself. */
function refName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'type' in value && typeof value.type === 'string') {
    return value.type;
  }
  return undefined;
}

/** A guard as text: `isOpen`, `and(a, b)`, `or(a, b)`, `not(a)`, `in(#id)`, or `inline`. */
export function guardLabel(guard: unknown): string {
  const name = refName(guard);
  if (name !== undefined) return name;
  if (!isFn(guard)) return 'inline';
  if ('stateValue' in guard) return `in(${JSON.stringify(guard.stateValue).replace(/"/g, '')})`;
  const inner = guard.guards;
  if (Array.isArray(inner) && ['and', 'or', 'not'].includes(guard.name)) {
    return `${guard.name}(${inner.map(guardLabel).join(', ')})`;
  }
  return guard.name && guard.name !== 'guard' ? guard.name : 'inline';
}

/** The type of an event given as an object (not an expression), if any. */
function eventType(event: unknown): string | undefined {
  return typeof event === 'object' && event !== null ? refName(event) : undefined;
}

/** An action as text: its name, or for a built-in action its kind and argument. */
export function actionLabel(action: unknown): string {
  const name = refName(action);
  if (name !== undefined) return name;
  if (!isFn(action)) return 'inline';
  const kind = typeof action.type === 'string' ? action.type.replace(/^xstate\./, '') : undefined;
  if (kind === undefined) return action.name || 'inline';
  const arg =
    kind === 'spawnChild'
      ? (refName(action.src) ?? (typeof action.id === 'string' ? action.id : undefined))
      : kind === 'sendTo'
        ? typeof action.to === 'string'
          ? action.to
          : undefined
        : kind === 'raise' || kind === 'emit'
          ? eventType(action.event)
          : undefined;
  return arg === undefined ? kind : `${kind}(${arg})`;
}

/** True for the hidden raise/cancel pair XState adds to a state for each `after` delay. */
export function isAfterMechanics(action: unknown): boolean {
  if (!isFn(action)) return false;
  const id =
    action.type === 'xstate.raise' ? action.id : action.type === 'xstate.cancel' ? action.sendId : undefined;
  return typeof id === 'string' && id.startsWith('xstate.after.');
}

const EMIT_IN_SOURCE = /\bemit\(\s*\{\s*type:\s*['"`]([^'"`]+)['"`]/g;
const TYPE_IN_SOURCE = /\btype:\s*['"`]([^'"`]+)['"`]/;

/**
 * The events an action emits, as far as they can be known without running it: an `emit()`
 * of a literal event (or the literal `type: '…'` in the source of its expression), or the
 * literal `emit({ type: '…' })` calls in the source of an `enqueueActions()`
 * implementation. Named actions are looked up in the machine.
 */
export function emittedBy(machine: AnyStateMachine, action: unknown): string[] {
  const name = refName(action);
  const actions = machine.implementations.actions as Record<string, unknown>;
  const impl = name === undefined ? action : actions[name];
  if (!isFn(impl)) return [];
  if (impl.type === 'xstate.emit') {
    const type = isFn(impl.event) ? TYPE_IN_SOURCE.exec(String(impl.event))?.[1] : eventType(impl.event);
    return type === undefined ? [] : [type];
  }
  if (impl.type === 'xstate.enqueueActions' && isFn(impl.collect)) {
    return [...new Set([...String(impl.collect).matchAll(EMIT_IN_SOURCE)].map((m) => m[1] ?? ''))];
  }
  return [];
}
