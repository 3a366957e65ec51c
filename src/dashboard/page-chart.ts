/**
 * The page's statechart: an inline SVG of `CONFIG.chart` (see `chart.ts`: the states, arrows and
 * "any state" transitions of `breakerMachine`, read from the machine on the server), with the
 * current state highlighted. Defines `buildChart(container)` → `{ highlight(leaf) }`.
 */
export const PAGE_CHART_SCRIPT = String.raw`
const SVG_NS = 'http://www.w3.org/2000/svg';
function svgEl(name, attrs) {
  const el = document.createElementNS(SVG_NS, name);
  for (const key in attrs) el.setAttribute(key, String(attrs[key]));
  return el;
}
function svgText(attrs, text) {
  const el = svgEl('text', attrs);
  el.textContent = text;
  return el;
}
function buildChart(container) {
  const { width, height, states, routes, anyState } = CONFIG.chart;
  const svg = svgEl('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': 'breaker statechart' });
  const defs = svgEl('defs', {});
  const marker = svgEl('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.appendChild(svgEl('path', { d: 'M0 0 L10 5 L0 10 z', fill: '#94a3b8' }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  const nodes = new Map();
  for (const { path, compound, box } of states) {
    const top = path.split('.')[0];
    const g = svgEl('g', { class: 'node ' + top + (compound ? ' compound' : ''), 'data-path': path });
    g.appendChild(svgEl('rect', { x: box[0], y: box[1], width: box[2], height: box[3], rx: 10 }));
    g.appendChild(svgText(compound
      ? { x: box[0] + 10, y: box[1] + 18 }
      : { x: box[0] + box[2] / 2, y: box[1] + box[3] / 2 + 4, 'text-anchor': 'middle' }, path.split('.').pop()));
    svg.appendChild(g);
    nodes.set(path, g);
  }
  for (const { d, lines, at } of routes) {
    svg.appendChild(svgEl('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' }));
    lines.forEach((line, i) => {
      svg.appendChild(svgText({ x: at[0], y: at[1] + i * 13, class: 'edge-label', 'text-anchor': at[2] }, line));
    });
  }
  if (anyState.length > 0) {
    svg.appendChild(svgText({ x: 20, y: height - 8, class: 'edge-label any-state' }, 'from any state: ' + anyState.join(' · ')));
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
