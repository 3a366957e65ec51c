/**
 * JSON text of a value that may hold cycles or be deep (actor snapshots do): a cycle becomes
 * `"[Circular]"` and anything deeper than `maxDepth` becomes `"[Object]"` / `"[Array]"`.
 * Objects with `toJSON` (XState snapshots and actor refs) are serialized through it.
 */
export function safeJson(value: unknown, maxDepth: number): string {
  const ancestors: object[] = [];
  return (
    JSON.stringify(value, function (this: unknown, _key: string, current: unknown) {
      if (typeof current === 'function') return undefined;
      if (typeof current !== 'object' || current === null) return current;
      while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
      if (ancestors.includes(current)) return '[Circular]';
      if (ancestors.length >= maxDepth) return Array.isArray(current) ? '[Array]' : '[Object]';
      ancestors.push(current);
      return current;
    }) ?? 'null'
  );
}
