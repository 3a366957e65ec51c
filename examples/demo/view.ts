/** The demo's terminal view: a live table redrawn in place on a TTY, plain lines otherwise. */
import type { Session, SummaryRow } from './session.js';
import { summarize } from './session.js';

const ESC = '\x1b[';
const COLORS: Record<string, string> = { closed: '32', open: '31', halfOpen: '33', isolated: '35' };
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1).padStart(6)}s`;

const HEADER = [
  'tool',
  'state',
  'calls',
  'ok',
  'failed',
  'rejected',
  'opens',
  'fails',
  'backoff',
  'max open',
  'last failure',
];
const WIDTHS = [13, 9, 6, 5, 7, 9, 6, 6, 9, 9, 20];

function cells(row: SummaryRow): string[] {
  const backoff = row.remainingBackoffMs === null ? '-' : `${(row.remainingBackoffMs / 1000).toFixed(1)} s`;
  return [
    row.name,
    row.state,
    String(row.usage.calls),
    String(row.usage.ok),
    String(row.usage.failed),
    String(row.rejected),
    String(row.openCount),
    String(row.failureCount),
    backoff,
    row.longestOpenS === 0 ? '-' : `${row.longestOpenS.toFixed(1)} s`,
    row.lastCategory,
  ];
}

/** The table of every tool and provider, one line each. */
export function table(rows: readonly SummaryRow[], color: boolean): string[] {
  const format = (values: readonly string[], paint = false): string =>
    values
      .map((value, i) => {
        const cell = value.padEnd(WIDTHS[i] ?? 8);
        return paint && i === 1 && color ? `${ESC}${COLORS[value] ?? '0'}m${cell}${ESC}0m` : cell;
      })
      .join(' ')
      .trimEnd();
  return [
    format(HEADER),
    format(WIDTHS.map((w) => '-'.repeat(w))),
    ...rows.map((r) => format(cells(r), true)),
  ];
}

/** The live view: redrawn in place on a TTY; on other outputs, events as plain lines. */
export class LiveView {
  readonly #tty: boolean;
  readonly #events: string[] = [];
  #drawn = 0;

  constructor(
    readonly session: Session,
    readonly out: NodeJS.WriteStream = process.stdout,
  ) {
    this.#tty = out.isTTY === true;
  }

  /** Records an event: printed at once on plain output, kept for the next frame on a TTY. */
  event(at: number, subject: string, text: string): void {
    const line = `[${seconds(at)}] ${subject.padEnd(13)} ${text}`;
    if (!this.#tty) {
      this.out.write(`${line}\n`);
      return;
    }
    this.#events.push(line);
    if (this.#events.length > 10) this.#events.shift();
  }

  /** Redraws the frame (TTY only). */
  frame(turn: number): void {
    if (!this.#tty) return;
    const lines = [
      `tripstate demo: simulated agent session, t=${seconds(this.session.time.now())}, turn ${turn}`,
      '',
      ...table(summarize(this.session), true),
      '',
      'recent events:',
      ...this.#events,
    ];
    const up = this.#drawn > 0 ? `${ESC}${this.#drawn}F` : '';
    this.out.write(`${up}${ESC}J${lines.join('\n')}\n`);
    this.#drawn = lines.length;
  }

  /** Hides the cursor while the view is live (TTY only); returns the function that restores it. */
  begin(): () => void {
    if (!this.#tty) return () => undefined;
    this.out.write(`${ESC}?25l`);
    return () => this.out.write(`${ESC}?25h`);
  }
}
