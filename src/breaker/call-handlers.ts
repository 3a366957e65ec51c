/** What settles a call: shared handlers per generation, and the measured duration of a result. */

/** What settles the calls a standalone breaker admitted in `generation` without a signal. */
export class CallHandlers {
  constructor(
    readonly generation: number,
    readonly succeeded: <V>(value: V) => V,
    readonly failed: (error: unknown) => never,
  ) {}
}

/** The `durationMs` field of a result event, when measured. */
export const measured = (durationMs: number | undefined): { durationMs?: number } =>
  durationMs === undefined ? {} : { durationMs };
