/**
 * Checks of option objects that every entry point shares: the object itself, options a
 * prototype would hide, names from other circuit-breaker libraries, and the options of one
 * guarded call. Each failure is a TypeError (or RangeError) that says what to write instead.
 */

/** Other libraries' option names (opossum, cockatiel) and what tripstate calls them. */
const FOREIGN_NAMES: Readonly<Record<string, string>> = {
  timeout: 'tripstate calls it timeoutMs: milliseconds before a call is aborted and counts as timeout',
  resetTimeout: 'tripstate calls it minBackoffMs: milliseconds open before the first probe',
  halfOpenAfter: 'tripstate calls it minBackoffMs: milliseconds open before the first probe',
  errorThresholdPercentage:
    'tripstate calls it failureRateThreshold (a fraction, 0.5 for 50 %), with a window: { ms } or { calls }',
  volumeThreshold: 'tripstate calls it minimumCalls (with a window)',
  rollingCountTimeout: 'tripstate calls it window: { ms, buckets }',
  rollingCountBuckets: 'tripstate calls it window: { ms, buckets }',
  maxFailures: 'tripstate calls it failureThreshold',
  errorFilter:
    'tripstate uses classify (a thrown value to a category) and tripOn (the categories that count)',
  allowWarmUp: 'tripstate counts no rate before minimumCalls outcomes are in the window',
};

/** What another library's option `name` is called here, when tripstate has no option of that name. @internal */
export function foreignOptionHint(name: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(FOREIGN_NAMES, name)) return undefined;
  return FOREIGN_NAMES[name];
}

/** Throws a TypeError unless `value` is a plain options object (not null, an array, a string, a number...). @internal */
export function checkOptionsObject(what: string, value: unknown): asserts value is object {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return;
  const shown =
    value === null ? 'null' : Array.isArray(value) ? 'an array' : `${typeof value} ${describe(value)}`;
  throw new TypeError(`tripstate: ${what} must be an object, got ${shown}`);
}

/** Throws a TypeError for what `createBreaker` cannot take: not an object, or a snapshot passed as the options. @internal */
export function checkBreakerArgument(options: unknown): asserts options is object {
  checkOptionsObject('createBreaker options', options);
  checkOwnOptions('option', options);
  if (ownValue(options, 'format') === 'tripstate.registry') {
    throw new TypeError(
      'tripstate: createBreaker got a registry snapshot; restore it with createRegistry({ snapshot })',
    );
  }
  if (ownValue(options, 'status') !== undefined && ownValue(options, 'context') !== undefined) {
    throw new TypeError(
      'tripstate: createBreaker got a breaker snapshot as its options; pass it as createBreaker({ snapshot })',
    );
  }
}

/** The own property `key` of `options`, or undefined (never one inherited through its prototype). */
function ownValue(options: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(options, key)
    ? (options as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Throws a TypeError for an option that `options` only inherits through its prototype: it
 * would be ignored (options are read from own properties), so say so instead. @internal
 */
export function checkOwnOptions(what: string, options: object): void {
  for (const key in options) {
    if (!Object.prototype.hasOwnProperty.call(options, key)) {
      throw new TypeError(
        `tripstate: ${what} ${JSON.stringify(key)} is inherited through the prototype and would be ignored; ` +
          'pass an object with its own properties (e.g. { ...options })',
      );
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'function') return value.name || '(anonymous)';
  return String(value);
}

/**
 * The problem with the options of one guarded call (`execute(fn, options)`), or undefined:
 * an unknown option name, or a `signal` that is not an AbortSignal. @internal
 */
const EXECUTE_OPTIONS = ['signal', 'timeoutMs'];

export function executeOptionsProblem(options: unknown): TypeError | undefined {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return new TypeError(
      `tripstate: execute() options must be an object such as { signal }, got ${options === null ? 'null' : typeof options}`,
    );
  }
  for (const key in options) {
    if (key !== 'signal' && key !== 'timeoutMs') {
      const near = nearestName(key, EXECUTE_OPTIONS);
      return new TypeError(
        `tripstate: unknown execute() option ${JSON.stringify(key)}${near === undefined ? '' : ` (did you mean ${near}?)`}; the options are signal and timeoutMs`,
      );
    }
  }
  const signal = (options as { signal?: unknown }).signal;
  if (signal !== undefined && !isAbortSignal(signal)) {
    return new TypeError(
      `tripstate: execute() option signal must be an AbortSignal, got ${typeof signal} ${describe(signal)}`,
    );
  }
  return undefined;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof AbortSignal !== 'undefined' && value instanceof AbortSignal) return true;
  // An AbortSignal of another realm or polyfill: the shape the breaker uses.
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

/**
 * Throws a TypeError for a key of `options` that is not in `known` (a misspelt option would
 * otherwise silently keep its default), naming the nearest known key when one is close.
 */
export function checkOptionNames(what: string, options: object, known: readonly string[]): void {
  checkOwnOptions(what, options);
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const foreign = foreignOptionHint(key);
    const near = foreign === undefined ? nearestName(key, known) : undefined;
    const hint = foreign ?? (near === undefined ? undefined : `did you mean ${near}?`);
    throw new TypeError(
      `tripstate: unknown ${what} ${JSON.stringify(key)}${hint === undefined ? '' : ` (${hint})`}`,
    );
  }
}

/** The name in `known` that `name` most likely misspells (same letters up to case, or 2 edits), if any. @internal */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  return known.find((k) => k.toLowerCase() === name.toLowerCase() || editDistance(k, name) <= 2);
}

/** Levenshtein distance, for suggestions; names are short. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}
