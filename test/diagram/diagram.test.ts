import { describe, expect, it } from 'vitest';
import { and, not, setup } from 'xstate';
import { allStates, describeMachine, toDot, toMermaid } from '../../src/diagram/index.js';
import { breakerMachine } from '../../machines/index.js';

const guardNames = Object.keys(breakerMachine.implementations.guards);
const delayNames = Object.keys(breakerMachine.implementations.delays);
const stateIds = allStates(describeMachine(breakerMachine)).map((s) => s.id);

/** The DOT statements outside quoted strings, with quoted strings kept whole. */
function dotTokens(dot: string): string[] {
  return dot.match(/"(?:[^"\\]|\\.)*"|->|[{}[\];=,]|[^\s"{}[\];=,]+/g) ?? [];
}

describe('the Mermaid diagram', () => {
  const mermaid = toMermaid(breakerMachine);

  it('starts a stateDiagram-v2 and nests the open and half-open sub-states', () => {
    expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(mermaid).toMatch(/state "open[^"]*" as open \{\n\s+state "cooling" as open_cooling\n/);
    expect(mermaid).toMatch(/state "halfOpen[^"]*" as halfOpen \{[^}]*as halfOpen_probing/);
  });

  it('names every guard and every delay of breakerMachine', () => {
    for (const guard of guardNames) expect(mermaid).toContain(`[${guard}]`);
    for (const delay of delayNames) expect(mermaid).toContain(`after ${delay}`);
  });

  it('labels transitions with their actions and the events those emit', () => {
    expect(mermaid).toContain(
      'closed --> open : call.failed [isTrippingFailure] / recordFailure, recordOutcome, tripCircuit (emits opened)',
    );
    expect(mermaid).toContain(
      'halfOpen_probing --> open : after probeTimeout / reopenAfterProbeTimeout (emits opened)',
    );
    expect(mermaid).toContain('entry / enterHalfOpen (emits halfOpened)');
  });

  it('uses no character that ends a Mermaid label early', () => {
    for (const line of mermaid.split('\n').slice(1)) {
      const label = line.split(' : ')[1] ?? '';
      expect(label).not.toMatch(/[:;#]/);
    }
  });
});

describe('the Graphviz diagram', () => {
  const dot = toDot(breakerMachine);
  const tokens = dotTokens(dot);

  it('parses structurally: one digraph, balanced braces, every statement ended', () => {
    expect(tokens.slice(0, 3)).toEqual(['digraph', '"breaker"', '{']);
    let depth = 0;
    for (const token of tokens) {
      depth += token === '{' ? 1 : token === '}' ? -1 : 0;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    expect(tokens.at(-1)).toBe('}');
    for (const line of dot.split('\n').slice(1, -2)) expect(line.trim()).toMatch(/[;{}]$/);
  });

  it('declares every state, and every edge joins declared nodes', () => {
    const declared = new Set(
      dot
        .split('\n')
        .map((line) => /^\s*("(?:[^"\\]|\\.)*") \[/.exec(line)?.[1])
        .filter((id) => id !== undefined),
    );
    const clusters = new Set(tokens.filter((t) => t.startsWith('"cluster_')));
    for (const id of stateIds) {
      expect(declared.has(`"${id}"`) || clusters.has(`"cluster_${id}"`), id).toBe(true);
    }
    for (const [, from, to] of dot.matchAll(/^\s*("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*")/gm)) {
      expect(declared.has(from!), from).toBe(true);
      expect(declared.has(to!), to).toBe(true);
    }
  });

  it('names every guard and every delay of breakerMachine', () => {
    for (const guard of guardNames) expect(dot).toContain(`[${guard}]`);
    for (const delay of delayNames) expect(dot).toContain(`after ${delay}`);
  });
});

describe('the generator', () => {
  it('shows and() / not() guards that machine.definition drops', () => {
    const machine = setup({
      guards: { isReady: () => true, isBusy: () => false },
      delays: { grace: 100 },
    }).createMachine({
      id: 'demo',
      initial: 'idle',
      states: {
        idle: { on: { go: { guard: and(['isReady', not('isBusy')]), target: 'done' } } },
        done: { after: { grace: 'idle' } },
      },
    });
    const mermaid = toMermaid(machine);
    expect(mermaid).toContain('idle --> done : go [and(isReady, not(isBusy))]');
    expect(mermaid).toContain('done --> idle : after grace');
    expect(toDot(machine)).toContain('go [and(isReady, not(isBusy))]');
  });
});
