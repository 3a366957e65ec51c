/**
 * Properties of eviction under random sequences of calls on a small registry: permits held and
 * settled later, successes, failures, resets and isolations over more tools than `maxTools`.
 */
import { afterEach, beforeEach, describe, expect, vi } from 'vitest';
import { fc, it } from '@fast-check/vitest';
import { createRegistry, type Permit } from '../../src/index.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const MAX_TOOLS = 4;
const tools = Array.from({ length: 10 }, (_, i) => `tool-${i}`);

type Op =
  | { readonly kind: 'hold' | 'succeed' | 'fail' | 'reset' | 'isolate' | 'release'; readonly tool: number }
  | { readonly kind: 'settle'; readonly index: number; readonly ok: boolean };

const toolArb = fc.integer({ min: 0, max: tools.length - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('hold', 'succeed', 'fail', 'reset', 'isolate', 'release'),
    tool: toolArb,
  }),
  fc.record({ kind: fc.constant('settle'), index: fc.nat(), ok: fc.boolean() }),
);

describe('eviction properties', () => {
  it.prop([fc.array(opArb, { maxLength: 120 })], { numRuns: 150 })(
    'evicts only closed tools with no failure and no call in flight, and never grows past maxTools unwarned',
    (ops) => {
      const registry = createRegistry({
        defaults: { failureThreshold: 2, minBackoffMs: 1_000, maxBackoffMs: 1_000 },
        maxTools: MAX_TOOLS,
      });
      const held: { tool: string; permit: Permit }[] = [];
      let warned = false;
      registry.on('warning', () => (warned = true));
      // Before each op, what eviction may see: evicting `tool` must find it evictable.
      const evictable = new Map<string, boolean>();
      // Recorded, not asserted in the listener: the registry turns a throwing listener into a warning.
      const wronglyEvicted: string[] = [];
      registry.on('evicted', ({ tool }) => {
        if (evictable.get(tool) !== true) wronglyEvicted.push(tool);
      });
      for (const op of ops) {
        for (const slot of registry.snapshot().diagnostics) {
          const inFlight = held.some((h) => h.tool === slot.tool);
          evictable.set(slot.tool, slot.state === 'closed' && slot.failureCount === 0 && !inFlight);
        }
        if (op.kind === 'settle') {
          const entry = held.splice(op.index % Math.max(1, held.length), 1)[0];
          if (op.ok) entry?.permit.success();
          else entry?.permit.failure('network');
        } else {
          const tool = tools[op.tool]!;
          if (op.kind === 'hold') {
            const permit = registry.tryAcquire(tool);
            if (permit) held.push({ tool, permit });
          } else if (op.kind === 'succeed') registry.tryAcquire(tool)?.success();
          else if (op.kind === 'fail') registry.tryAcquire(tool)?.failure('network');
          else if (op.kind === 'reset') {
            registry.reset(tool);
            for (let i = held.length - 1; i >= 0; i--) if (held[i]!.tool === tool) held.splice(i, 1);
          } else if (op.kind === 'isolate') registry.isolate(tool);
          else registry.release(tool);
        }
        if (!warned) expect(registry.size).toBeLessThanOrEqual(MAX_TOOLS);
      }
      registry.stop();
      expect(wronglyEvicted).toEqual([]);
    },
  );
});
