/**
 * The breaker chart's answers to a request that asks for one: a `call.requested` carrying
 * `replyTo` (what a registry driven by events alone sends for a `tool.request`). The chart
 * answers `tool.admitted` with the generation the call is admitted in, or `tool.rejected` with
 * the state that refused it and the backoff left. A request without `replyTo` (the runtime's)
 * gets no answer: the runtime reads the snapshot instead.
 */
import { enqueueActions } from 'xstate';
import { remainingBackoff } from './breaker.logic.js';
import { breakerSetup } from './breaker.setup.js';
import type {
  BreakerContext,
  BreakerEmitted,
  BreakerEvent,
  BreakerState,
  ToolAnswer,
} from './breaker.types.js';

type Request = Extract<BreakerEvent, { type: 'call.requested' }>;
type Asked = Request & { readonly replyTo: NonNullable<Request['replyTo']> };

/** The request when `event` is one that asks for an answer. */
const askedBy = (event: BreakerEvent): Asked | undefined =>
  event.type === 'call.requested' && event.replyTo !== undefined ? (event as Asked) : undefined;

/** A rejecting state, as a `tool.rejected` names it. */
type Refusing = Exclude<BreakerState, 'closed'>;

export const answerActions = {
  /** Answers an asking request `tool.admitted`, in the generation the call runs in now. */
  answerAdmitted: breakerSetup.enqueueActions(({ context, event, enqueue }) => {
    const request = askedBy(event);
    if (request === undefined) return;
    const answer: ToolAnswer = {
      type: 'tool.admitted',
      tool: request.tool ?? '',
      generation: context.generation,
    };
    enqueue.sendTo(request.replyTo, answer);
  }),
  /** Answers an asking request `tool.rejected`: the state that refused it and the backoff left. */
  answerRejected: enqueueActions<
    BreakerContext,
    BreakerEvent,
    { state: Refusing },
    BreakerEvent,
    never,
    never,
    never,
    never,
    BreakerEmitted
  >(({ context, event, enqueue }, params: { state: Refusing }) => {
    const request = askedBy(event);
    if (request === undefined) return;
    const answer: ToolAnswer = {
      type: 'tool.rejected',
      tool: request.tool ?? '',
      state: params.state,
      remainingBackoffMs: params.state === 'open' ? remainingBackoff(context, request.at) : null,
    };
    enqueue.sendTo(request.replyTo, answer);
  }),
};
