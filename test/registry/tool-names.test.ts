import { describe, expect, it } from 'vitest';
import { InvalidToolNameError, createRegistry } from '../../src/index.js';

const distinct = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'x'.repeat(1_024),
  'outils/lire_fichier',
  '工具.搜索',
  '🔧#1',
  'mcp://server:tool',
  'a/b.c#d:e',
  '#breaker.open',
  ' ',
];

describe('untrusted tool names', () => {
  it('are each a distinct tool, with no prototype polluted and the registry actor healthy', () => {
    const registry = createRegistry({ defaults: { failureThreshold: 1 } });
    for (const tool of distinct) registry.tryAcquire(tool)?.failure('network');
    expect(registry.size).toBe(distinct.length);
    for (const tool of distinct) expect(registry.state(tool)).toBe('open');
    expect(registry.openCircuits().sort()).toEqual([...distinct].sort());
    expect(registry.state('prototype')).toBe('closed');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).failureCount).toBeUndefined();
    expect(registry.actor.getSnapshot().status).toBe('active');
    const restored = createRegistry({
      defaults: { failureThreshold: 1 },
      snapshot: JSON.parse(JSON.stringify(registry.getPersistedSnapshot())),
    });
    for (const tool of distinct) expect(restored.state(tool)).toBe('open');
    for (const tool of distinct) registry.reset(tool);
    expect(registry.size).toBe(0);
    expect(registry.actor.getSnapshot().status).toBe('active');
  });

  it.each([
    ['the empty string', '', /the empty string names no tool/],
    ['a name over the limit', 'x'.repeat(1_025), /1025 characters, more than the limit of 1024/],
    ['a number', 42, /expected a string, got number/],
    ['undefined', undefined, /expected a string, got undefined/],
    ['an object', { toString: () => 'sneaky' }, /expected a string, got object/],
  ])('refuses %s with an InvalidToolNameError and stays healthy', (_, tool, message) => {
    const registry = createRegistry();
    expect(() => registry.tryAcquire(tool as string)).toThrow(InvalidToolNameError);
    expect(() => registry.diagnostics(tool as string)).toThrow(message);
    expect(registry.size).toBe(0);
    expect(registry.actor.getSnapshot().status).toBe('active');
  });

  it('honours a smaller maxToolNameLength', () => {
    const registry = createRegistry({ maxToolNameLength: 8 });
    expect(registry.tryAcquire('12345678')).toBeDefined();
    expect(() => registry.tryAcquire('123456789')).toThrow(InvalidToolNameError);
  });
});
