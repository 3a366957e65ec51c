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
 *   starting ──(input.start)──▶ the given state, context kept (open/probing/claiming re-armed); else closed
 *   starting ──(input.start.outcome trips)──▶ open: a waking breaker's failure, taken as closed takes it
 *   call.requested with `replyTo` (a registry driven by events) is answered tool.admitted / tool.rejected
 *
 * Fleet (a `share`): `fleet.opened` / `fleet.closed` / `fleet.reset` of a newer fleet generation
 * move any state but `isolated`; `fleet.isolated` / `fleet.released` isolate and release it; a breaker in the fleet ends its backoff in `halfOpen.claiming`,
 * rejecting until the fleet grants it the probe lease (`fleet.probeGranted` → idle) or another
 * process holds it (`fleet.probeTaken` → open until the lease ends). See docs/fleet.md.
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
import { fleetActions, fleetDelays, fleetGuards } from './breaker.fleet.chart.js';
import { answerActions } from './breaker.answer.js';
import { startActions, startContext, startGuards } from './breaker.start.js';

export { initialBreakerContext };

/**
 * The edges by which a counted failure trips `closed`: by the consecutive threshold, or by a
 * window's rate. `starting` takes a waking breaker's failure (`start.outcome`) by the same ones.
 */
const failureTrips = [
  { guard: 'isTrippingFailure', target: 'open', actions: ['recordFailure', 'recordOutcome', 'tripCircuit'] },
  { guard: 'isRateReached', target: 'open', actions: ['recordFailure', 'recordOutcome', 'tripCircuit'] },
] as const;

export const breakerMachine = breakerSetup
  .extend({
    guards: { ...breakerGuards, ...fleetGuards, ...startGuards },
    actions: { ...breakerActions, ...fleetActions, ...startActions, ...answerActions },
    delays: { ...breakerDelays, ...fleetDelays },
  })
  .createMachine({
    id: 'breaker',
    context: ({ input }) => startContext(input, ({ config }) => initialBreakerContext(config)),
    initial: 'starting',
    on: {
      'breaker.reset': { target: '.closed', reenter: true, actions: 'resetCircuit' },
      'breaker.isolate': { target: '.isolated', actions: 'isolateCircuit' },
      'call.rejected': { actions: 'recordDenials' },
      'fleet.opened': { guard: 'isNewerFleetState', target: '.open', actions: 'applyFleetOpening' },
      'fleet.closed': { guard: 'isNewerFleetState', target: '.closed', actions: 'applyFleetClosing' },
      'fleet.reset': {
        guard: 'isNewerFleetState',
        target: '.closed',
        reenter: true,
        actions: 'applyFleetReset',
      },
      'fleet.isolated': { guard: 'isNewerFleetState', target: '.isolated', actions: 'applyFleetIsolation' },
      'fleet.released': { guard: 'isNewerFleetState', target: '.closed', actions: 'applyFleetRelease' },
    },
    states: {
      // The input's `start` chooses the first state (breaker.start.ts); entries keep its context.
      starting: {
        always: [
          // A waking breaker's tripping failure (`start.outcome`), by closed's own edges.
          ...failureTrips,
          { guard: 'startsClosed', target: 'closed' },
          { guard: 'startsOpen', target: 'open', actions: 'rearmStarted' },
          { guard: 'startsHalfOpenIdle', target: 'halfOpen.idle' },
          { guard: 'startsProbing', target: 'halfOpen.probing', actions: 'rearmStarted' },
          { guard: 'startsClaiming', target: 'halfOpen.claiming', actions: 'rearmStarted' },
          { guard: 'startsIsolated', target: 'isolated' },
          { target: 'closed' },
        ],
      },
      closed: {
        entry: 'nextGeneration',
        on: {
          'call.requested': { actions: 'answerAdmitted' },
          'call.failed': [
            ...failureTrips,
            { guard: 'isCountingFailure', actions: ['recordFailure', 'recordOutcome'] },
          ],
          'call.succeeded': [
            {
              guard: 'isRateReached',
              target: 'open',
              actions: ['recordFailuresBefore', 'clearFailures', 'recordOutcome', 'tripCircuit'],
            },
            {
              guard: 'hasFailuresToClear',
              actions: ['recordFailuresBefore', 'clearFailures', 'recordOutcome'],
            },
            { guard: 'isWindowed', actions: 'recordOutcome' },
          ],
          'fleet.opened': { guard: 'isFleetStateNotOlder', target: 'open', actions: 'applyFleetOpening' },
          'fleet.closed': { actions: 'adoptFleetGeneration' },
          'fleet.released': { actions: 'adoptFleetGeneration' },
        },
      },
      open: {
        entry: 'nextGeneration',
        initial: 'cooling',
        states: {
          cooling: {
            after: {
              backoff: [
                { guard: 'isFleetShared', target: '#breaker.halfOpen.claiming' },
                { target: '#breaker.halfOpen' },
              ],
            },
          },
        },
        on: {
          'call.requested': [
            {
              guard: 'isFleetBackoffElapsed',
              target: 'halfOpen.claiming',
              actions: { type: 'recordDenial', params: { state: 'halfOpen' } },
            },
            { guard: 'isBackoffElapsed', target: 'halfOpen.probing' },
            {
              actions: { type: 'recordDenial', params: { state: 'open' } },
            },
          ],
          'breaker.rearm': { target: '.cooling', reenter: true },
          'fleet.opened': [
            { guard: 'isNewerFleetState', target: '.cooling', reenter: true, actions: 'retimeFleetOpening' },
            { actions: [] },
          ],
        },
      },
      halfOpen: {
        entry: 'enterHalfOpen',
        initial: 'idle',
        states: {
          claiming: {
            after: { fleetAnswer: { target: 'idle', actions: 'decideAlone' } },
            on: {
              'call.requested': {
                actions: { type: 'recordDenial', params: { state: 'halfOpen' } },
              },
              'fleet.probeGranted': { guard: 'isCurrentFleetGeneration', target: 'idle' },
              'fleet.probeTaken': {
                guard: 'isCurrentFleetGeneration',
                target: '#breaker.open',
                actions: 'awaitFleetProbe',
              },
              'breaker.rearm': { target: 'idle' },
            },
          },
          idle: {
            entry: 'markIdle',
            after: {
              healthCheckGrace: { guard: 'hasHealthCheck', target: 'probing', actions: 'startHealthCheck' },
            },
            on: { 'call.requested': { target: 'probing' } },
          },
          probing: {
            entry: ['claimProbe', 'answerAdmitted'],
            after: {
              probeTimeout: { target: '#breaker.open', actions: 'reopenAfterProbeTimeout' },
            },
            on: {
              'call.requested': [
                { guard: 'hasProbeSlot', actions: ['claimProbe', 'answerAdmitted'] },
                {
                  actions: { type: 'recordDenial', params: { state: 'halfOpen' } },
                },
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
          'call.requested': {
            actions: { type: 'recordDenial', params: { state: 'isolated' } },
          },
          'breaker.isolate': { actions: [] },
          'breaker.release': { target: 'closed', actions: 'releaseIsolation' },
          'fleet.opened': { actions: 'adoptFleetGeneration' },
          'fleet.closed': { actions: 'adoptFleetGeneration' },
          'fleet.isolated': { actions: 'adoptFleetGeneration' },
        },
      },
    },
  });

/** The breaker machine's type, for embedding and `.provide()`. */
export type BreakerMachine = typeof breakerMachine;
