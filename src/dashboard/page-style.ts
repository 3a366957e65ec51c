/** The page's stylesheet. */
export const PAGE_STYLE = `
:root {
  --closed: #15803d; --closed-bg: #dcfce7;
  --open: #dc2626; --open-bg: #fee2e2;
  --half: #d97706; --half-bg: #fef3c7;
  --isolated: #7c3aed; --isolated-bg: #ede9fe;
  --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --panel: #ffffff; --page: #f1f5f9;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); }
header { display: flex; align-items: center; gap: 24px; padding: 12px 20px; background: #0f172a; color: #f8fafc; }
h1 { margin: 0; font-size: 18px; font-weight: 650; white-space: nowrap; }
h1 .logo { display: inline-block; width: 14px; height: 14px; border: 3px solid #4ade80; border-top-color: transparent; border-radius: 50%; margin-right: 4px; vertical-align: -1px; }
h1 .sub { color: #94a3b8; font-weight: 400; margin-left: 4px; }
h2 { margin: 0 0 8px; font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
#summary { display: flex; gap: 8px; flex: 1; flex-wrap: wrap; }
.chip { padding: 2px 10px; border-radius: 999px; background: #1e293b; font-size: 13px; }
.chip b { font-variant-numeric: tabular-nums; }
.chip.open b { color: #f87171; } .chip.halfOpen b { color: #fbbf24; }
.chip.isolated b { color: #a78bfa; } .chip.closed b { color: #4ade80; }
.clock { font-size: 13px; color: #cbd5e1; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status { font-size: 12px; padding: 2px 10px; border-radius: 999px; white-space: nowrap; }
.status.live { background: #14532d; color: #bbf7d0; } .status.live::before { content: "● "; }
.status.connecting, .status.reconnecting { background: #78350f; color: #fde68a; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 460px; gap: 16px; padding: 16px 20px; align-items: start; }
section.tools { overflow-x: auto; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
aside { display: grid; gap: 16px; }
.toolbar { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; }
#filter { flex: 1; padding: 6px 10px; border: 1px solid #cbd5e1; border-radius: 6px; font: inherit; }
select { padding: 6px; border: 1px solid #cbd5e1; border-radius: 6px; font: inherit; background: #fff; }
#shown, #more { color: var(--muted); font-size: 12px; white-space: nowrap; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th { text-align: left; font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); font-weight: 600; padding: 4px 6px; border-bottom: 1px solid var(--line); }
td { padding: 5px 5px; border-bottom: 1px solid #f1f5f9; vertical-align: middle; }
tr.tool { cursor: pointer; } tr.tool:hover { background: #f8fafc; } tr.tool.selected { background: #eff6ff; }
td.name { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; max-width: 240px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge.closed { background: var(--closed-bg); color: var(--closed); }
.badge.open { background: var(--open-bg); color: var(--open); }
.badge.halfOpen { background: var(--half-bg); color: var(--half); }
.badge.isolated { background: var(--isolated-bg); color: var(--isolated); }
.mini { display: inline-flex; gap: 3px; }
.mini i { width: 12px; height: 12px; border-radius: 3px; border: 1.5px solid #cbd5e1; }
.mini i.on.closed { background: var(--closed); border-color: var(--closed); }
.mini i.on.open { background: var(--open); border-color: var(--open); }
.mini i.on.halfOpen { background: var(--half); border-color: var(--half); }
.mini i.on.isolated { background: var(--isolated); border-color: var(--isolated); }
td.probe { white-space: nowrap; }
.countdown { font-weight: 600; color: var(--open); white-space: nowrap; }
.muted { color: var(--muted); }
.ctl { display: none; } body.controls .ctl { display: revert; }
#detail-controls { margin-top: 10px; } body.controls #detail-controls { display: flex; gap: 8px; }
button { font: inherit; font-size: 12px; padding: 3px 10px; border-radius: 6px; border: 1px solid #cbd5e1; background: #fff; cursor: pointer; }
button:hover { background: #f1f5f9; }
button.danger { color: var(--isolated); border-color: #c4b5fd; }
td.ctl { white-space: nowrap; } td.ctl button + button { margin-left: 4px; }
th { white-space: nowrap; }
#detail-title { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; text-transform: none; letter-spacing: 0; font-size: 15px; color: var(--ink); overflow-wrap: anywhere; }
#chart svg { width: 100%; height: auto; display: block; }
#chart .node rect { fill: #fff; stroke: #94a3b8; stroke-width: 1.5; }
#chart .node text { font-size: 12px; fill: #334155; font-weight: 600; }
#chart .node.compound > rect { fill: #f8fafc; }
#chart .node.active.closed > rect { fill: var(--closed-bg); stroke: var(--closed); stroke-width: 3; }
#chart .node.active.open > rect { fill: var(--open-bg); stroke: var(--open); stroke-width: 3; }
#chart .node.active.halfOpen > rect { fill: var(--half-bg); stroke: var(--half); stroke-width: 3; }
#chart .node.active.isolated > rect { fill: var(--isolated-bg); stroke: var(--isolated); stroke-width: 3; }
#chart .edge { fill: none; stroke: #94a3b8; stroke-width: 1.4; }
#chart .edge-label { font-size: 10.5px; fill: var(--muted); }
dl { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px 12px; margin: 10px 0 0; }
dl div { background: #f8fafc; border-radius: 6px; padding: 4px 8px; }
dt { font-size: 11px; color: var(--muted); } dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
ol#log { list-style: none; margin: 0; padding: 0; max-height: 360px; overflow: auto; font-size: 12.5px; }
ol#log li { display: grid; grid-template-columns: 64px 84px minmax(0, 1fr); gap: 6px; padding: 3px 0; border-bottom: 1px solid #f1f5f9; }
ol#log time { color: var(--muted); font-variant-numeric: tabular-nums; }
ol#log .what { overflow-wrap: anywhere; }
ol#log .what b { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-weight: 600; }
.ev { font-weight: 600; } .ev.opened { color: var(--open); } .ev.halfOpened { color: var(--half); }
.ev.closed { color: var(--closed); } .ev.isolated { color: var(--isolated); }
.history { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 12px; margin-top: 10px; }
.history h3 { grid-column: 1 / -1; margin: 0; font-size: 11px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.spark { margin: 0; background: #f8fafc; border-radius: 6px; padding: 4px 8px; min-width: 0; }
.spark figcaption { display: flex; gap: 6px; font-size: 11px; color: var(--muted); }
.spark .now { font-weight: 600; color: var(--ink); font-variant-numeric: tabular-nums; } .spark .max { margin-left: auto; }
.spark svg { display: block; width: 100%; height: 36px; }
.spark polyline { stroke: #2563eb; stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.spark[data-series="failures"] polyline, .spark[data-series="failureRate"] polyline { stroke: var(--open); }
.spark[data-series="rejections"] polyline { stroke: var(--isolated); }
#toast { position: fixed; bottom: 16px; right: 16px; background: #7f1d1d; color: #fff; padding: 8px 12px; border-radius: 8px; }
/* Below 1500 px the table takes the whole width; the detail panel and the log go under it, side
   by side down to 1000 px, the chart no wider than it reads well. */
@media (max-width: 1500px) {
  main { grid-template-columns: 1fr; }
  aside { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); align-items: start; }
  #chart svg { max-width: 640px; margin: 0 auto; }
}
@media (max-width: 1000px) { aside { grid-template-columns: 1fr; } }
`;
