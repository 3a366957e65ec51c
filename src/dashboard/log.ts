import type { RegistryEventMap } from '../registry.js';

/** One line of the page's event log. */
export interface LogEntry {
  /** Milliseconds on the registry's clock (`registry.now()`) at which the server saw the event. */
  readonly at: number;
  /** The registry event (`opened`, `closed`, ...), or `dropped` for a summary of skipped lines. */
  readonly type: string;
  readonly tool: string | null;
  readonly detail: string;
}

type Watched = RegistryEventMap[
  'opened' | 'halfOpened' | 'closed' | 'isolated' | 'recoveryPause' | 'recoveryResumed' | 'evicted'];

/** The log line of a registry event. */
export function describeEvent(event: Watched, at: number): LogEntry {
  const tool = 'tool' in event ? event.tool : null;
  return { at, type: event.type, tool, detail: detailOf(event) };
}

function detailOf(event: Watched): string {
  switch (event.type) {
    case 'opened':
      return `${event.reason}${event.category === null ? '' : ` (${event.category})`}, probe in ${seconds(event.backoffMs)}`;
    case 'halfOpened':
      return 'admitting a probe';
    case 'closed':
      return event.reason;
    case 'isolated':
      return 'forced open until released';
    case 'recoveryPause':
      return `${event.openCircuits} circuits open (limit ${event.limit}): recovery pause`;
    case 'recoveryResumed':
      return `recovery resumed, ${event.openCircuits} open`;
    case 'evicted':
      return 'evicted (least recently used)';
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
