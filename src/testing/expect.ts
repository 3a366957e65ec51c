/** The equality check both path runners use: JSON-equal, or a typed mismatch error. */

/** Renders a value the way a mismatch message shows it. */
export const show = (value: unknown): string => JSON.stringify(value);

/** Returns a check that throws `new Mismatch(message)` when `actual` and `expected` differ as JSON. */
export function equalityCheck(
  Mismatch: new (message: string) => Error,
): (what: string, actual: unknown, expected: unknown) => void {
  return (what, actual, expected) => {
    if (show(actual) !== show(expected)) {
      throw new Mismatch(`${what}: expected ${show(expected)}, got ${show(actual)}`);
    }
  };
}
