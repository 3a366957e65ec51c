/**
 * The breaker statechart: the one specification of tripstate's Closed/Open/HalfOpen
 * lifecycle. Pure: time arrives in events (`at`), never from a clock.
 *
 *   closed ──threshold──▶ open.cooling ──backoff──▶ halfOpen.idle ──request──▶ halfOpen.probing
 *     ▲                        ▲                                                   │ │ │
 *     └────── probe succeeded ─┼───────────────────────────────────────────────────┘ │ │
 *                              └──── probe failed / probeTimeout ────────────────────┘ │
 *                                               halfOpen.idle ◀── probe freed ─────────┘
 *   any ──breaker.isolate──▶ isolated ──breaker.release──▶ closed;  any ──breaker.reset──▶ closed
 *
 * With a `window`, closed also opens when an outcome brings the window's failure or slow-call
 * rate to its threshold (`isRateReached`), and half-open decides on `halfOpenProbes` results
 * (`failsProbes` / `passesProbes`) instead of the first one.
 */
import { breakerActions } from './breaker.actions.js';
import { initialBreakerContext } from './breaker.context.js';
import { breakerDelays } from './breaker.delays.js';
import { breakerGuards } from './breaker.guards.js';
import { breakerSetup } from './breaker.setup.js';

export { initialBreakerContext };

export const breakerMachine = breakerSetup
  .extend({ guards: breakerGuards, actions: breakerActions, delays: breakerDelays })
  .createMachine({
    id: 'breaker',
    context: ({ input }) => initialBreakerContext(input.config),
    initial: 'closed',
    on: {
      'breaker.reset': { target: '.closed', reenter: true, actions: 'resetCircuit' },
      'breaker.isolate': { target: '.isolated', actions: 'isolateCircuit' },
      'call.rejected': { actions: 'recordDenials' },
    },
    states: {
      closed: {
        entry: 'nextGeneration',
        on: {
          'call.failed': [
            {
              guard: 'isTrippingFailure',
              target: 'open',
              actions: ['recordFailure', 'recordOutcome', 'tripCircuit'],
            },
            {
              guard: 'isRateReached',
              target: 'open',
              actions: ['recordFailure', 'recordOutcome', 'tripCircuit'],
            },
            { guard: 'isCountingFailure', actions: ['recordFailure', 'recordOutcome'] },
          ],
          'call.succeeded': [
            {
              guard: 'isRateReached',
              target: 'open',
              actions: ['clearFailures', 'recordOutcome', 'tripCircuit'],
            },
            { guard: 'hasFailuresToClear', actions: ['clearFailures', 'recordOutcome'] },
            { guard: 'isWindowed', actions: 'recordOutcome' },
          ],
        },
      },
      open: {
        entry: 'nextGeneration',
        initial: 'cooling',
        states: {
          cooling: { after: { backoff: { target: '#breaker.halfOpen' } } },
        },
        on: {
          'call.requested': [
            { guard: 'isBackoffElapsed', target: 'halfOpen.probing' },
            { actions: { type: 'recordDenial', params: { state: 'open' } } },
          ],
          'breaker.rearm': { target: '.cooling', reenter: true },
        },
      },
      halfOpen: {
        entry: 'enterHalfOpen',
        initial: 'idle',
        states: {
          idle: {
            entry: 'markIdle',
            after: {
              healthCheckGrace: { guard: 'hasHealthCheck', target: 'probing', actions: 'startHealthCheck' },
            },
            on: { 'call.requested': { target: 'probing' } },
          },
          probing: {
            entry: 'claimProbe',
            after: {
              probeTimeout: { target: '#breaker.open', actions: 'reopenAfterProbeTimeout' },
            },
            on: {
              'call.requested': [
                { guard: 'hasProbeSlot', actions: 'claimProbe' },
                { actions: { type: 'recordDenial', params: { state: 'halfOpen' } } },
              ],
              'call.succeeded': [
                { guard: 'failsProbes', target: '#breaker.open', actions: 'reopenAfterProbeFailure' },
                { guard: 'passesProbes', target: '#breaker.closed', actions: 'closeAfterProbe' },
                { guard: 'isLastProbe', target: 'idle', actions: 'freeProbe' },
                { guard: 'isCurrentGeneration', actions: 'freeProbe' },
              ],
              'call.failed': [
                { guard: 'failsProbes', target: '#breaker.open', actions: 'reopenAfterProbeFailure' },
                { guard: 'passesProbes', target: '#breaker.closed', actions: 'closeAfterProbe' },
                { guard: 'isLastProbe', target: 'idle', actions: 'freeProbe' },
                { guard: 'isCurrentGeneration', actions: 'freeProbe' },
              ],
              'call.released': [
                { guard: 'isLastProbe', target: 'idle', actions: 'freeProbe' },
                { guard: 'isCurrentGeneration', actions: 'freeProbe' },
              ],
              'breaker.rearm': { target: 'idle', actions: 'abandonProbes' },
            },
          },
        },
      },
      isolated: {
        entry: 'nextGeneration',
        on: {
          'call.requested': { actions: { type: 'recordDenial', params: { state: 'isolated' } } },
          'breaker.isolate': { actions: [] },
          'breaker.release': { target: 'closed', actions: 'releaseIsolation' },
        },
      },
    },
  });

/** The breaker machine's type, for embedding and `.provide()`. */
export type BreakerMachine = typeof breakerMachine;
