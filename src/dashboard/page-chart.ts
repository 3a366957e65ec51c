/**
 * The page's statechart: an inline SVG of `breakerMachine`'s state nodes (`CONFIG.chart`, read
 * from the machine on the server), laid out by path, with the current state highlighted.
 * Defines `buildChart(container)` → `{ highlight(state, leaf) }`.
 */
export const PAGE_CHART_SCRIPT = String.raw`
const SVG_NS = 'http://www.w3.org/2000/svg';
const CHART_LAYOUT = {
  'closed': [20, 40, 120, 56],
  'open': [300, 14, 200, 96],
  'open.cooling': [320, 48, 160, 44],
  'halfOpen': [300, 170, 200, 104],
  'halfOpen.idle': [312, 212, 84, 44],
  'halfOpen.probing': [404, 212, 84, 44],
  'isolated': [20, 218, 120, 56],
};
const CHART_EDGES = [
  ['M140 68 L298 68', ['failures ≥ threshold'], 219, 60, 'middle'],
  ['M350 110 L350 168', ['after backoff'], 344, 143, 'end'],
  ['M470 212 L470 112', ['probe failed', 'or timed out'], 464, 137, 'end'],
  ['M300 200 C230 200 160 170 125 98', ['probe succeeded'], 185, 214, 'middle'],
  ['M60 96 L60 216', ['isolate'], 54, 160, 'end'],
  ['M100 218 L100 98', ['release'], 106, 160, 'start'],
];
function svgEl(name, attrs) {
  const el = document.createElementNS(SVG_NS, name);
  for (const key in attrs) el.setAttribute(key, String(attrs[key]));
  return el;
}
function buildChart(container) {
  const svg = svgEl('svg', { viewBox: '0 0 520 290', role: 'img', 'aria-label': 'breaker statechart' });
  const defs = svgEl('defs', {});
  const marker = svgEl('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.appendChild(svgEl('path', { d: 'M0 0 L10 5 L0 10 z', fill: '#94a3b8' }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  const nodes = new Map();
  const place = (path, compound) => {
    const box = CHART_LAYOUT[path];
    if (!box) return;
    const top = path.split('.')[0];
    const g = svgEl('g', { class: 'node ' + top + (compound ? ' compound' : ''), 'data-path': path });
    g.appendChild(svgEl('rect', { x: box[0], y: box[1], width: box[2], height: box[3], rx: 10 }));
    const label = svgEl('text', compound
      ? { x: box[0] + 10, y: box[1] + 18 }
      : { x: box[0] + box[2] / 2, y: box[1] + box[3] / 2 + 4, 'text-anchor': 'middle' });
    label.textContent = path.split('.').pop();
    g.appendChild(label);
    svg.appendChild(g);
    nodes.set(path, g);
  };
  for (const node of CONFIG.chart) {
    place(node.path, node.children.length > 0);
    for (const child of node.children) place(child, false);
  }
  for (const [d, lines, x, y, anchor] of CHART_EDGES) {
    svg.appendChild(svgEl('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' }));
    lines.forEach((line, i) => {
      const label = svgEl('text', { x, y: y + i * 13, class: 'edge-label', 'text-anchor': anchor });
      label.textContent = line;
      svg.appendChild(label);
    });
  }
  container.replaceChildren(svg);
  return {
    highlight(leaf) {
      const top = leaf ? leaf.split('.')[0] : '';
      for (const [path, g] of nodes) g.classList.toggle('active', path === leaf || path === top);
    },
  };
}
`;
