/**
 * The page's script: follows `/events` (a `snapshot`, then `update`s), keeps every tool's row,
 * and renders the table (open circuits first, at most `LIMIT` rows, filtered), the selected
 * tool's chart and counters, the countdowns and the log. Tool names are only ever set with
 * `textContent` or `setAttribute`, never parsed as HTML. Times and countdowns follow the
 * registry's clock (./page-clock.ts); a countdown never goes back up within one open period.
 */
export const PAGE_SCRIPT = String.raw`
const LIMIT = 200;
const LOG_LIMIT = 200;
const RANK = { open: 0, isolated: 1, halfOpen: 2, closed: 3 };
const LABEL = { closed: 'closed', open: 'open', halfOpen: 'half-open', isolated: 'isolated' };
const tools = new Map();
const log = [];
let selected = null;
let detailTool = null;
let history = null;
let renderQueued = false;
const $ = (id) => document.getElementById(id);
const chart = buildChart($('chart'));

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}
function put(row, now) {
  const previous = tools.get(row.tool);
  const deadline = row.remainingBackoffMs === null ? null : now + row.remainingBackoffMs;
  const samePeriod = previous !== undefined && previous.row.state === 'open' && row.state === 'open' &&
    previous.row.openCount === row.openCount;
  tools.set(row.tool, { row, deadline, floor: samePeriod ? previous.floor : Infinity });
}
function addLog(entries) {
  for (const entry of entries) log.push(entry);
  if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
}
function remaining(entry) {
  if (entry.deadline === null) return null;
  entry.floor = Math.max(0, Math.min(entry.floor, entry.deadline - serverNow()));
  return entry.floor;
}
function formatMs(ms) {
  if (ms <= 0) return 'due';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  const s = Math.round(ms / 1000);
  return Math.floor(s / 60) + ' m ' + String(s % 60).padStart(2, '0') + ' s';
}
function probeText(entry) {
  const row = entry.row;
  if (row.state === 'open') return formatMs(remaining(entry));
  if (row.state === 'halfOpen') return row.probesInFlight > 0 ? 'probing' : 'awaiting probe';
  if (row.state === 'isolated') return 'until released';
  return '—';
}
function schedule() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(render);
}

function visible() {
  const text = $('filter').value.trim().toLowerCase();
  const state = $('state-filter').value;
  const list = [];
  for (const entry of tools.values()) {
    if (state && entry.row.state !== state) continue;
    if (text && !entry.row.tool.toLowerCase().includes(text)) continue;
    list.push(entry);
  }
  list.sort((a, b) =>
    RANK[a.row.state] - RANK[b.row.state] ||
    b.row.failureCount - a.row.failureCount ||
    b.row.openCount - a.row.openCount ||
    (a.row.tool < b.row.tool ? -1 : a.row.tool > b.row.tool ? 1 : 0));
  return list;
}

function miniChart(state) {
  const box = el('span', 'mini');
  box.title = 'closed · open · half-open · isolated';
  for (const s of ['closed', 'open', 'halfOpen', 'isolated']) box.appendChild(el('i', s === state ? 'on ' + s : s));
  return box;
}
function controlButtons(row) {
  const frag = document.createDocumentFragment();
  const reset = el('button', '', 'reset');
  reset.dataset.action = 'reset';
  reset.title = 'reset: close the circuit and clear its counters';
  const iso = row.state === 'isolated';
  const toggle = el('button', iso ? '' : 'danger', iso ? 'release' : 'isolate');
  toggle.dataset.action = iso ? 'release' : 'isolate';
  for (const button of [reset, toggle]) {
    button.addEventListener('click', (event) => { event.stopPropagation(); control(button.dataset.action, row.tool); });
    frag.appendChild(button);
  }
  return frag;
}
function lastErrorText(row) {
  return row.lastErrorCategory ? row.lastErrorCategory + (row.lastErrorAt === null ? '' : ' at ' + clock(row.lastErrorAt)) : '—';
}
function lastErrorCell(row) {
  const td = el('td', row.lastErrorCategory ? '' : 'muted', row.lastErrorCategory || '—');
  if (row.lastErrorCategory) td.title = 'latest failure: ' + lastErrorText(row);
  return td;
}
function renderRow(entry) {
  const row = entry.row;
  const tr = el('tr', 'tool' + (row.tool === selected ? ' selected' : ''));
  tr.dataset.state = row.state;
  tr.dataset.leaf = row.leaf;
  tr.setAttribute('data-tool', row.tool);
  const name = el('td', 'name', row.tool);
  name.title = row.tool;
  const badge = el('td');
  badge.appendChild(el('span', 'badge ' + row.state, LABEL[row.state]));
  const mini = el('td');
  mini.appendChild(miniChart(row.state));
  const probe = el('td', row.state === 'open' ? 'probe countdown' : 'probe muted', probeText(entry));
  if (row.state === 'open') probe.dataset.countdown = row.tool;
  tr.append(name, badge, mini, el('td', '', row.failureCount), el('td', '', row.openCount),
    el('td', '', row.halfOpenCount), el('td', '', row.deniedRequests),
    lastErrorCell(row), probe);
  const ctl = el('td', 'ctl');
  if (CONFIG.controls) ctl.appendChild(controlButtons(row));
  tr.appendChild(ctl);
  tr.addEventListener('click', () => { selected = row.tool; schedule(); });
  return tr;
}

function renderSummary() {
  const counts = { open: 0, halfOpen: 0, isolated: 0, closed: 0 };
  for (const entry of tools.values()) counts[entry.row.state]++;
  const chips = [el('span', 'chip')];
  chips[0].append(el('b', '', tools.size), ' tools');
  for (const s of ['open', 'halfOpen', 'isolated', 'closed']) {
    const chip = el('span', 'chip ' + s);
    chip.dataset.state = s;
    chip.append(el('b', '', counts[s]), ' ' + LABEL[s]);
    chips.push(chip);
  }
  $('summary').replaceChildren(...chips);
}
function svg(tag, attrs) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}
function spark(name, label, values, format) {
  const box = el('figure', 'spark');
  box.dataset.series = name;
  const known = values.filter((v) => v !== null);
  const max = Math.max(1e-9, ...known);
  const last = known.length ? known[known.length - 1] : null;
  const W = 240, H = 36, step = W / Math.max(1, values.length - 1);
  const points = [];
  values.forEach((v, i) => { if (v !== null) points.push((i * step).toFixed(1) + ',' + (H - (v / max) * (H - 2) - 1).toFixed(1)); });
  const chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img' });
  chart.appendChild(svg('polyline', { points: points.join(' '), fill: 'none' }));
  const caption = el('figcaption');
  caption.append(el('span', 'label', label), el('span', 'now', last === null ? '—' : format(last)),
    el('span', 'max', 'max ' + format(known.length ? Math.max(...known) : 0)));
  box.append(caption, chart);
  return box;
}
const perSecond = (v) => (v >= 10 ? Math.round(v) : Math.round(v * 10) / 10) + '/s';
function renderHistory() {
  const box = $('detail-history');
  if (history === null || history.tool !== detailTool) return box.replaceChildren();
  const charts = [spark('calls', 'calls', history.calls, perSecond),
    spark('failures', 'failures', history.failures, perSecond),
    spark('rejections', 'rejected', history.rejections, perSecond)];
  if (history.failureRate.some((v) => v !== null))
    charts.push(spark('failureRate', 'failure rate', history.failureRate, (v) => Math.round(v * 100) + ' %'));
  const heading = el('h3', '', 'last ' + Math.round((history.calls.length * history.stepMs) / 60000) + ' minutes');
  box.replaceChildren(heading, ...charts);
}
async function loadHistory() {
  const tool = detailTool;
  if (tool === null || document.hidden) return;
  try {
    const res = await fetch('/api/history?tool=' + encodeURIComponent(tool));
    if (!res.ok || tool !== detailTool) return;
    history = await res.json();
    renderHistory();
  } catch (error) {
    // the next tick tries again
  }
}
function renderDetail(entry) {
  const title = $('detail-title');
  const tool = entry ? entry.row.tool : null;
  if (tool !== detailTool) {
    detailTool = tool;
    history = null;
    renderHistory();
    loadHistory();
  }
  if (!entry) {
    title.textContent = 'no tool selected';
    chart.highlight(null);
    $('detail-counters').replaceChildren();
    $('detail-controls').replaceChildren();
    return;
  }
  const row = entry.row;
  title.textContent = row.tool;
  chart.highlight(row.leaf);
  const items = [['state', row.leaf], ['failureCount', row.failureCount], ['openCount', row.openCount],
    ['halfOpenCount', row.halfOpenCount], ['deniedRequests', row.deniedRequests],
    ['lastErrorCategory', lastErrorText(row)], ['remainingBackoffMs', probeText(entry)],
    ['currentBackoffMs', row.currentBackoffMs === 0 ? '—' : (row.currentBackoffMs / 1000).toFixed(1) + ' s'], ['probesInFlight', row.probesInFlight]];
  $('detail-counters').replaceChildren(...items.map(([k, v]) => {
    const div = el('div');
    const dd = el('dd', '', v);
    if (k === 'remainingBackoffMs' && row.state === 'open') dd.dataset.countdown = row.tool;
    div.append(el('dt', '', k), dd);
    return div;
  }));
  $('detail-controls').replaceChildren(CONFIG.controls ? controlButtons(row) : '');
}
function renderLog() {
  $('log').replaceChildren(...log.slice().reverse().map((entry) => {
    const li = el('li');
    li.dataset.type = entry.type;
    const what = el('span', 'what');
    if (entry.tool !== null) what.append(el('b', '', entry.tool), ' ');
    what.append(entry.detail);
    li.append(el('time', '', clock(entry.at)), el('span', 'ev ' + entry.type, entry.type), what);
    return li;
  }));
}
function render() {
  renderQueued = false;
  const list = visible();
  $('rows').replaceChildren(...list.slice(0, LIMIT).map(renderRow));
  $('shown').textContent = list.length + ' of ' + tools.size + ' tools';
  $('more').textContent = list.length > LIMIT ? 'showing the first ' + LIMIT + ' of ' + list.length + ': filter to see the rest' : '';
  renderSummary();
  if (selected !== null && !tools.has(selected)) selected = null;
  renderDetail(selected !== null ? tools.get(selected) : list[0]);
  renderLog();
}
function tick() {
  if (server.now !== null) $('clock').textContent = clock(server.now);
  for (const node of document.querySelectorAll('[data-countdown]')) {
    const entry = tools.get(node.dataset.countdown);
    if (entry) node.textContent = probeText(entry);
  }
}

function toast(text) {
  const box = $('toast') || document.body.appendChild(el('div'));
  box.id = 'toast';
  box.textContent = text;
  setTimeout(() => box.remove(), 4000);
}
async function control(action, tool) {
  try {
    const res = await fetch('/api/' + action, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tool }),
    });
    if (!res.ok) toast(action + ' failed: ' + ((await res.json()).error || res.status));
  } catch (error) {
    toast(action + ' failed: ' + error);
  }
}

function connect() {
  const status = $('status');
  const source = new EventSource('/events');
  source.addEventListener('open', () => { status.className = 'status live'; status.textContent = 'live'; });
  source.addEventListener('error', () => { status.className = 'status reconnecting'; status.textContent = 'reconnecting…'; });
  source.addEventListener('snapshot', (event) => {
    const data = JSON.parse(event.data);
    syncClock(data.now);
    tools.clear();
    log.length = 0;
    for (const row of data.rows) put(row, data.now);
    addLog(data.log);
    schedule();
  });
  source.addEventListener('update', (event) => {
    const data = JSON.parse(event.data);
    syncClock(data.now);
    for (const row of data.rows) put(row, data.now);
    for (const tool of data.removed) tools.delete(tool);
    addLog(data.log);
    schedule();
  });
}
$('filter').addEventListener('input', schedule);
$('state-filter').addEventListener('change', schedule);
setInterval(tick, 200);
setInterval(loadHistory, 1000);
connect();
`;
