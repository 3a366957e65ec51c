/** The demo's terminal view: a live table redrawn in place on a TTY, plain lines otherwise. */
import type { Session, SummaryRow } from './session.js';
import { summarize } from './session.js';

const ESC = '\x1b[';
const COLORS: Record<string, string> = { closed: '32', open: '31', halfOpen: '33', isolated: '35' };
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1).padStart(6)}s`;

/** Columns: header, width; `streak` is the breaker's consecutive-failure count, `longest` its longest open period. */
const COLUMNS: readonly (readonly [string, number])[] = [
  ['tool', 12],
  ['state', 8],
  ['calls', 5],
  ['ok', 4],
  ['failed', 6],
  ['denied', 6],
  ['opens', 5],
  ['streak', 6],
  ['backoff', 7],
  ['longest', 7],
  ['last error', 15],
];
/** Columns left out, in this order, while the table is wider than the terminal. */
const DROPPED_FIRST = ['longest', 'ok', 'denied', 'calls'];

/** The columns (by index) that fit in `width` characters. */
function fitting(width: number): number[] {
  let shown = COLUMNS.map((_, i) => i);
  const size = (): number => shown.reduce((sum, i) => sum + (COLUMNS[i]?.[1] ?? 0) + 1, -1);
  for (const name of DROPPED_FIRST) {
    if (size() <= width) break;
    shown = shown.filter((i) => COLUMNS[i]?.[0] !== name);
  }
  return shown;
}

/** `text` cut to `width` characters, with an ellipsis when cut. */
const fit = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;

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

/** The table of every tool and provider, one line each, at most `width` characters wide. */
export function table(rows: readonly SummaryRow[], color: boolean, width = Infinity): string[] {
  const shown = fitting(width);
  const format = (values: readonly string[], paint = false): string =>
    shown
      .map((i) => {
        const size = COLUMNS[i]?.[1] ?? 8;
        const value = values[i] ?? '';
        // The last column is cut to its width only when the table must fit a terminal.
        const last = i === COLUMNS.length - 1 && !Number.isFinite(width);
        const cell = last ? value : fit(value, size).padEnd(size);
        return paint && i === 1 && color ? `${ESC}${COLORS[value] ?? '0'}m${cell}${ESC}0m` : cell;
      })
      .join(' ')
      .trimEnd();
  return [
    format(COLUMNS.map(([name]) => name)),
    format(COLUMNS.map(([, w]) => '-'.repeat(w))),
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

  /**
   * Redraws the frame in place (TTY only). The frame fits the terminal, one line less than its
   * height and one column less than its width, so drawing it never scrolls: the cursor can
   * always go back up over it.
   */
  frame(turn: number): void {
    if (!this.#tty) return;
    const width = Math.max(20, (this.out.columns || 80) - 1);
    const height = Math.max(8, (this.out.rows || 24) - 1);
    const head = [
      fit(
        `tripstate demo: simulated agent session, t=${seconds(this.session.time.now())}, turn ${turn}`,
        width,
      ),
      '',
      ...table(summarize(this.session), true, width),
      '',
    ];
    const room = height - head.length - 1;
    const events = room > 0 ? ['recent events:', ...this.#events.slice(-room).map((e) => fit(e, width))] : [];
    const lines = [...head, ...events].slice(0, height);
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
