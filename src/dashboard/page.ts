import { PAGE_CHART_SCRIPT } from './page-chart.js';
import { PAGE_CLOCK_SCRIPT } from './page-clock.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';
import type { Chart } from './chart.js';

/** What the page needs besides its data. */
export interface PageConfig {
  /** The Content-Security-Policy nonce of the inline script and style. */
  readonly nonce: string;
  readonly controls: boolean;
  readonly chart: Chart;
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The whole dashboard page: markup, style and script inline, no external resource. It holds no
 * tool name: those arrive over the event stream and are only ever set as text.
 */
export function renderPage(config: PageConfig): string {
  const nonce = config.nonce.replace(/[^A-Za-z0-9+/=]/g, '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tripstate · breakers</title>
<style nonce="${nonce}">${PAGE_STYLE}</style>
</head>
<body${config.controls ? ' class="controls"' : ''}>
<header>
  <h1><span class="logo" aria-hidden="true"></span> tripstate <span class="sub">circuit breakers</span></h1>
  <div id="summary" aria-live="polite"></div>
  <time id="clock" class="clock" title="the registry's clock"></time>
  <div id="status" class="status connecting">connecting…</div>
</header>
<main>
  <section class="tools">
    <div class="toolbar">
      <input id="filter" type="search" placeholder="Filter tools…" autocomplete="off" aria-label="Filter tools">
      <select id="state-filter" aria-label="State">
        <option value="">all states</option>
        <option value="open">open</option>
        <option value="halfOpen">half-open</option>
        <option value="isolated">isolated</option>
        <option value="closed">closed</option>
      </select>
      <span id="shown"></span>
    </div>
    <table>
      <thead><tr><th>tool</th><th>state</th><th>chart</th><th title="consecutive failures">streak</th><th title="times opened">opens</th><th title="times half-open">probes</th><th title="calls rejected">denied</th><th>last error</th><th>next probe</th><th class="ctl">controls</th></tr></thead>
      <tbody id="rows"></tbody>
    </table>
    <p id="more"></p>
  </section>
  <aside>
    <section class="detail">
      <h2 id="detail-title">no tool selected</h2>
      <div id="chart"></div>
      <dl id="detail-counters"></dl>
      <div id="detail-history" class="history" aria-label="last 5 minutes"></div>
      <div id="detail-controls" class="ctl"></div>
    </section>
    <section class="log">
      <h2>event log</h2>
      <ol id="log"></ol>
    </section>
  </aside>
</main>
<script nonce="${nonce}">
const CONFIG = ${scriptJson({ controls: config.controls, chart: config.chart })};
${PAGE_CHART_SCRIPT}
${PAGE_CLOCK_SCRIPT}
${PAGE_SCRIPT}
</script>
</body>
</html>
`;
}
