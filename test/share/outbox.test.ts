/** The fleet outbox: what it sends per tool, and that it forgets tools whose breaker is gone. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FleetOutbox, type OutboxSink } from '../../src/share/outbox.js';
import type { OutcomeBatch } from '../../src/share/types.js';

const INTERVAL_MS = 50;

/** A sink over plain counts: a tool is known while it has an entry (its breaker exists). */
function countingSink() {
  const counts = new Map<string, { successes: number; slow: number }>();
  const sent: [string, OutcomeBatch][] = [];
  const sink: OutboxSink = {
    counts: (tool) => counts.get(tool),
    windowSuccesses: () => 0,
    send: (tool, batch) => {
      sent.push([tool, batch]);
      return Promise.resolve();
    },
  };
  return { counts, sent, sink };
}

describe('FleetOutbox', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the successes since its last batch once, and nothing while a tool is idle', () => {
    const { counts, sent, sink } = countingSink();
    const outbox = new FleetOutbox(sink, INTERVAL_MS);
    counts.set('llm', { successes: 3, slow: 0 });
    outbox.watch('llm');
    counts.set('llm', { successes: 5, slow: 1 });
    outbox.failed('llm');
    outbox.flush();
    expect(sent).toEqual([['llm', { successes: 2, failures: 1, slow: 1 }]]);
    vi.advanceTimersByTime(INTERVAL_MS * 3);
    expect(sent).toHaveLength(1);
    outbox.stop();
  });

  it('does not resend, when it follows a tool again, the successes it sent before', () => {
    const { counts, sent, sink } = countingSink();
    const outbox = new FleetOutbox(sink, INTERVAL_MS);
    const windowed: OutboxSink = { ...sink, windowSuccesses: () => 10 };
    const again = new FleetOutbox(windowed, INTERVAL_MS);
    counts.set('llm', { successes: 4, slow: 0 });
    again.watch('llm', INTERVAL_MS * 2);
    again.failed('llm');
    again.flush(); // 4 backfilled successes and the failure
    vi.advanceTimersByTime(INTERVAL_MS * 4); // idle: no longer followed
    expect(again.size).toBe(0);
    again.watch('llm');
    again.failed('llm');
    again.flush();
    expect(sent.map(([, batch]) => batch.successes)).toEqual([4, 0]);
    again.stop();
    outbox.stop();
  });

  it('forgets what it sent for tools whose breaker is gone, so hallucinated tool names do not pile up', () => {
    const { counts, sink } = countingSink();
    const outbox = new FleetOutbox(sink, INTERVAL_MS);
    // 2,000 distinct names, each counting one failure in a window the fleet follows, then
    // idle, then evicted from the registry (its breaker gone).
    for (let i = 0; i < 2_000; i++) {
      const tool = `made-up-${i}`;
      counts.set(tool, { successes: 1, slow: 0 });
      outbox.watch(tool, INTERVAL_MS);
      outbox.failed(tool);
      outbox.flush();
      vi.advanceTimersByTime(INTERVAL_MS * 3);
      counts.delete(tool);
    }
    expect(outbox.size).toBe(0);
    // One real tool keeps the outbox busy while the sweep goes round.
    counts.set('real', { successes: 0, slow: 0 });
    outbox.watch('real');
    for (let i = 0; i < 200; i++) {
      outbox.failed('real');
      vi.advanceTimersByTime(INTERVAL_MS);
    }
    expect(outbox.remembered).toBe(1);
    outbox.stop();
  });
});
