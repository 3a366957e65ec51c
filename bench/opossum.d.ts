/** The part of opossum 10's API the benchmark uses (opossum ships no types; @types/opossum is not installed). */
declare module 'opossum' {
  export interface OpossumOptions {
    /** Milliseconds before a call times out; false disables the per-call timer. @default 10000 */
    readonly timeout?: number | false;
    /** Failure percentage over the rolling window that opens the circuit. @default 50 */
    readonly errorThresholdPercentage?: number;
    /** Minimum calls in the window before the circuit may open. @default 0 */
    readonly volumeThreshold?: number;
    /** Keep every call's latency in the rolling window and sort them for percentiles on each failure. @default true */
    readonly rollingPercentilesEnabled?: boolean;
    /** Milliseconds open before half-open. @default 30000 */
    readonly resetTimeout?: number;
    /** Milliseconds the rolling statistics window spans. @default 10000 */
    readonly rollingCountTimeout?: number;
    /** Buckets of the rolling window (rotated by an interval timer). @default 10 */
    readonly rollingCountBuckets?: number;
  }

  export default class CircuitBreaker<A extends unknown[] = [], R = unknown> {
    constructor(action: (...args: A) => Promise<R>, options?: OpossumOptions);
    fire(...args: A): Promise<R>;
    open(): void;
    close(): void;
    shutdown(): void;
    on(event: 'halfOpen' | 'open' | 'close', listener: () => void): this;
    readonly opened: boolean;
    readonly halfOpen: boolean;
    readonly closed: boolean;
    /** The rolling window's counts (every `fire()`, rejected ones included, is one of `fires`). */
    readonly stats: { readonly fires: number; readonly failures: number; readonly rejects: number };
  }
}
