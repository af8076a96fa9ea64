// The lineage graph webview: bronze → silver → gold lanes laid out by elkjs; click a model to open
// it, click a column to see its column-level lineage.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { ColumnEdge, LineageNode, LineageResult } from '../../../server/src/lsp/protocol.js';
import { h, listen, post } from './common.js';
import { columnClosure, columnKey, laneNames, lanes } from './layout.js';
import type { ToLineage } from './messages.js';
import './lineage.css';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 230;
const HEADER = 42;
const ROW = 18;
const MAX_COLUMNS = 14;
const LANE_PAD = 24;

const app = document.getElementById('app')!;
const title = h('span', { class: 'title', 'data-testid': 'lineage-title' }, 'Lineage');
const info = h('span', { class: 'muted', 'data-testid': 'lineage-info' });
const clear = h('button', { hidden: true }, 'Clear column');
const fit = h('button', {}, 'Fit');
const svg = document.createElementNS(SVG, 'svg');
svg.setAttribute('data-testid', 'lineage-graph');
svg.setAttribute('preserveAspectRatio', 'xMinYMin meet');
app.append(h('div', { class: 'toolbar' }, title, info, h('span', { class: 'spacer' }), clear, fit), svg);

const elk = new ELK();
let graph: LineageResult | undefined;
let positions = new Map<string, { x: number; y: number; node: LineageNode }>();
let selected: string | undefined;
const overlay = document.createElementNS(SVG, 'g');
const scene = document.createElementNS(SVG, 'g');
let view = { x: 0, y: 0, w: 800, h: 600 };
let size = { width: 800, height: 600 };

function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

const shownColumns = (n: LineageNode) => n.columns.slice(0, MAX_COLUMNS);
const nodeHeight = (n: LineageNode) => HEADER + shownColumns(n).length * ROW + (n.columns.length > MAX_COLUMNS ? ROW : 0) + 6;

async function layout(g: LineageResult): Promise<void> {
  const ids = new Set(g.nodes.map((n) => n.id));
  const edges = g.edges.filter((e) => ids.has(e.from) && ids.has(e.to));
  const lane = lanes(g.nodes, edges);
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.partitioning.activate': 'true',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.spacing.nodeNode': '28',
      'elk.padding': `[top=${LANE_PAD + 20},left=${LANE_PAD},bottom=${LANE_PAD},right=${LANE_PAD}]`,
    },
    children: g.nodes.map((n) => ({ id: n.id, width: WIDTH, height: nodeHeight(n), layoutOptions: { 'elk.partitioning.partition': String(lane.get(n.id) ?? 1) } })),
    edges: edges.map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  };
  const out = await elk.layout(root);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  positions = new Map((out.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0, node: byId.get(c.id)! }]));
  draw(g, edges, lane, out.width ?? 800, out.height ?? 600);
}

function draw(g: LineageResult, edges: LineageResult['edges'], lane: Map<string, number>, width: number, height: number): void {
  scene.replaceChildren();
  // Lanes: the horizontal extent of the nodes in each, as a labelled band.
  const extents = new Map<number, { min: number; max: number }>();
  for (const [id, p] of positions) {
    const l = lane.get(id) ?? 1;
    const e = extents.get(l) ?? { min: Infinity, max: -Infinity };
    extents.set(l, { min: Math.min(e.min, p.x), max: Math.max(e.max, p.x + WIDTH) });
  }
  for (const [l, e] of [...extents].sort((a, b) => a[0] - b[0])) {
    scene.append(s('g', { class: 'lane', 'data-lane': laneNames[l] ?? String(l) },
      s('rect', { x: e.min - LANE_PAD / 2, y: 4, width: e.max - e.min + LANE_PAD, height: height - 8, rx: 6 }),
      s('text', { x: e.min, y: 26 }, laneNames[l] ?? '')));
  }
  for (const e of edges) {
    const a = positions.get(e.from)!;
    const b = positions.get(e.to)!;
    scene.append(s('path', { class: 'edge', d: curve(a.x + WIDTH, a.y + HEADER / 2, b.x, b.y + HEADER / 2), 'marker-end': 'url(#arrow)' }));
  }
  for (const [id, p] of positions) scene.append(drawNode(id, p.x, p.y, p.node, id === g.focus));
  scene.append(overlay);
  size = { width, height };
  initialView(g.focus);
  highlight();
}

function drawNode(id: string, x: number, y: number, n: LineageNode, focus: boolean): SVGGElement {
  const layer = n.layer && laneNames.includes(n.layer) ? n.layer : n.kind === 'source' ? 'bronze' : 'other';
  const g = s('g', { class: `node layer-${layer}${focus ? ' focus' : ''}`, 'data-node': id, transform: `translate(${x},${y})` },
    s('rect', { class: 'box', width: WIDTH, height: nodeHeight(n) }),
    s('rect', { class: 'band', width: 5, height: nodeHeight(n) }));
  const name = s('text', { class: 'name', x: 12, y: 18 }, n.name);
  name.append(s('title', {}, n.description ? `${n.name}: ${n.description}` : `Open ${n.name}`));
  if (n.uri) name.addEventListener('click', (e) => { e.stopPropagation(); post({ type: 'open', uri: n.uri }); });
  const meta = [n.kind === 'model' ? n.materialization ?? 'model' : n.kind, n.layer, n.lastRun ? `last run: ${n.lastRun.status}${n.lastRun.rows !== undefined ? `, ${n.lastRun.rows} rows` : ''}` : undefined].filter(Boolean).join(' · ');
  g.append(name, s('text', { class: 'meta', x: 12, y: 34 }, meta));
  if (n.lastRun) g.append(s('circle', { class: /success|pass/.test(n.lastRun.status) ? 'status-ok' : 'status-bad', cx: WIDTH - 12, cy: 14, r: 4 }));
  shownColumns(n).forEach((c, i) => {
    const row = s('g', { class: 'column', 'data-column': c.name, transform: `translate(0,${HEADER + i * ROW})` },
      s('rect', { x: 6, width: WIDTH - 8, height: ROW }),
      s('text', { x: 12, y: 13 }, c.name),
      s('text', { class: 'type', x: WIDTH - 8, y: 13, 'text-anchor': 'end' }, c.type.toLowerCase()));
    row.addEventListener('click', (e) => { e.stopPropagation(); select(columnKey(id, c.name)); });
    g.append(row);
  });
  if (n.columns.length > MAX_COLUMNS) g.append(s('text', { class: 'meta', x: 12, y: HEADER + MAX_COLUMNS * ROW + 13 }, `+${n.columns.length - MAX_COLUMNS} more`));
  return g;
}

function curve(x1: number, y1: number, x2: number, y2: number): string {
  const dx = Math.max(30, (x2 - x1) / 2);
  return `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
}

function columnPoint(node: string, column: string, side: 'in' | 'out'): { x: number; y: number } | undefined {
  const p = positions.get(node);
  if (!p) return undefined;
  const index = shownColumns(p.node).findIndex((c) => c.name === column);
  const y = index >= 0 ? p.y + HEADER + index * ROW + ROW / 2 : p.y + HEADER / 2;
  return { x: side === 'out' ? p.x + WIDTH : p.x, y };
}

function select(key: string | undefined): void {
  selected = selected === key ? undefined : key;
  highlight();
}

function highlight(): void {
  overlay.replaceChildren();
  scene.querySelectorAll('g.column.lit').forEach((el) => el.classList.remove('lit'));
  clear.hidden = !selected;
  if (!graph || !selected) { info.textContent = graph ? `${graph.nodes.length} nodes · click a column for its lineage` : ''; return; }
  const { columns, edges } = columnClosure(selected, graph.columnEdges);
  for (const key of columns) {
    const [node, column] = key.split('\u0000');
    scene.querySelector(`g.node[data-node="${CSS.escape(node)}"] g.column[data-column="${CSS.escape(column)}"]`)?.classList.add('lit');
  }
  for (const e of edges as Set<ColumnEdge>) {
    const a = columnPoint(e.from.node, e.from.column, 'out');
    const b = columnPoint(e.to.node, e.to.column, 'in');
    if (a && b) overlay.append(s('path', { class: 'column-edge', d: curve(a.x, a.y, b.x, b.y) }));
  }
  const [node, column] = selected.split('\u0000');
  info.textContent = `${positions.get(node)?.node.name ?? node}.${column}: ${columns.size - 1} related column${columns.size === 2 ? '' : 's'}`;
}

/**
 * Starts at a readable zoom (never below half size): the whole graph when it fits, else the part
 * around the focus node; the wheel and dragging do the rest.
 */
function initialView(focus: string | undefined): void {
  const w = svg.clientWidth || 800;
  const hgt = svg.clientHeight || 600;
  const scale = Math.min(1, Math.max(0.5, Math.min(w / size.width, hgt / size.height)));
  view = { x: 0, y: 0, w: w / scale, h: hgt / scale };
  const p = focus ? positions.get(focus) : undefined;
  if (p && size.width * scale > w) view.x = Math.max(0, p.x + WIDTH / 2 - view.w / 2);
  if (p && size.height * scale > hgt) view.y = Math.max(0, p.y - view.h / 4);
  applyView();
}

function applyView(): void {
  svg.setAttribute('viewBox', `${view.x} ${view.y} ${view.w} ${view.h}`);
}

// Pan with the mouse, zoom with the wheel around the pointer.
let drag: { x: number; y: number; vx: number; vy: number } | undefined;
svg.addEventListener('mousedown', (e) => { drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y }; svg.classList.add('panning'); });
window.addEventListener('mouseup', () => { drag = undefined; svg.classList.remove('panning'); });
window.addEventListener('mousemove', (e) => {
  if (!drag) return;
  const scale = view.w / svg.clientWidth;
  view.x = drag.vx - (e.clientX - drag.x) * scale;
  view.y = drag.vy - (e.clientY - drag.y) * scale;
  applyView();
});
svg.addEventListener('wheel', (e) => {
  e.preventDefault();
  const factor = e.deltaY > 0 ? 1.1 : 1 / 1.1;
  const rect = svg.getBoundingClientRect();
  const px = view.x + ((e.clientX - rect.left) / rect.width) * view.w;
  const py = view.y + ((e.clientY - rect.top) / rect.height) * view.h;
  view = { x: px - (px - view.x) * factor, y: py - (py - view.y) * factor, w: view.w * factor, h: view.h * factor };
  applyView();
}, { passive: false });
clear.addEventListener('click', () => select(undefined));
fit.addEventListener('click', () => {
  view = { x: 0, y: 0, w: Math.max(size.width, 300), h: Math.max(size.height, 200) };
  applyView();
});

svg.append(
  s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' },
    s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }))),
  scene,
);

listen<ToLineage>((message) => {
  graph = message.graph;
  selected = undefined;
  const focus = graph.nodes.find((n) => n.id === graph!.focus);
  title.textContent = focus ? `Lineage of ${focus.name}` : 'Project lineage';
  app.dataset.state = 'laying-out';
  layout(graph).then(
    () => { app.dataset.state = 'ready'; },
    (err: unknown) => { info.textContent = `Layout failed: ${String(err)}`; app.dataset.state = 'error'; },
  );
});
