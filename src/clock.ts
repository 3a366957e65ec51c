/** Timers as XState's actors use them (XState's `Clock`); `SimulatedClock` fits. */
export interface TimerClock {
  setTimeout(fn: () => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

/**
 * Real-time timers that never keep a Node process alive (`unref`), reading the global
 * `setTimeout` at call time so fake timers in tests drive them. In browsers and edge
 * runtimes timer ids are numbers and there is nothing to unref.
 */
export const unrefClock: TimerClock = {
  setTimeout(fn: () => void, timeout: number): unknown {
    const id: unknown = globalThis.setTimeout(fn, timeout);
    (id as { unref?: () => void } | undefined)?.unref?.();
    return id;
  },
  clearTimeout(id: unknown): void {
    globalThis.clearTimeout(id as Parameters<typeof clearTimeout>[0]);
  },
};

/** `base`'s timers, with `before` run just before each timer's callback. */
export function clockRunningFirst(base: TimerClock, before: () => void): TimerClock {
  return {
    setTimeout: (fn, timeout) =>
      base.setTimeout(() => {
        before();
        fn();
      }, timeout),
    clearTimeout: (id) => base.clearTimeout(id),
  };
}
