/**
 * The breaker chart's answers to a request that asks for one: a `call.requested` carrying
 * `replyTo` (what a registry driven by events alone sends for a `tool.request`). The chart
 * answers `tool.admitted` with the generation the call is admitted in, or `tool.rejected` with
 * the state that refused it and the backoff left (sent by `recordDenial`, as every denial is
 * answered). A request without `replyTo` (the runtime's) gets no answer: the runtime reads the
 * snapshot instead.
 */
import { remainingBackoff } from './breaker.logic.js';
import { breakerSetup } from './breaker.setup.js';
import type { BreakerContext, BreakerEvent, BreakerState, ToolAnswer } from './breaker.types.js';

type Request = Extract<BreakerEvent, { type: 'call.requested' }>;
type Asked = Request & { readonly replyTo: NonNullable<Request['replyTo']> };

/** The request when `event` is one that asks for an answer. */
const askedBy = (event: BreakerEvent): Asked | undefined =>
  event.type === 'call.requested' && event.replyTo !== undefined ? (event as Asked) : undefined;

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
};

/**
 * The `tool.rejected` answer to `event` when it is a request that asks for one (`replyTo`), with
 * the state that refused it and the backoff left; undefined otherwise. `recordDenial` sends it:
 * every denial of an asking request is answered.
 */
export function rejectionAnswer(
  context: BreakerContext,
  event: BreakerEvent,
  state: Exclude<BreakerState, 'closed'>,
): { readonly to: Asked['replyTo']; readonly answer: ToolAnswer } | undefined {
  const request = askedBy(event);
  if (request === undefined) return undefined;
  const answer: ToolAnswer = {
    type: 'tool.rejected',
    tool: request.tool ?? '',
    state,
    remainingBackoffMs: state === 'open' ? remainingBackoff(context, request.at) : null,
  };
  return { to: request.replyTo, answer };
}
