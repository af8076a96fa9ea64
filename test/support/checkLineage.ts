// Lineage checks: the lineage graph the lineage view draws, and column lineage (one column's direct
// inputs, or its edges back to the sources), rendered as text and compared with inline snapshots.
import { expectText } from './expect.js';
import { prepare, type CheckOptions, type Source } from './check.js';
import { lineageGraph, type LineageData } from '../../server/src/analysis/lineageGraph.js';
import { columnLineage, directInputs, type ColumnEdge, type ColumnRef } from '../../server/src/analysis/lineage.js';

export interface GraphOptions extends CheckOptions {
  focus?: string;
  depth?: number;
  /** Column edges too (default true, as the lineage view asks). */
  columns?: boolean;
}

/**
 * The lineage graph: the focus, then one line per node (kind, layer · materialization, file,
 * columns, last run; its description below), then the model edges and the column edges.
 */
export async function checkLineageGraph(source: Source, expected: string, options: GraphOptions = {}): Promise<LineageData> {
  const { ws } = await prepare(source, options);
  const data = await lineageGraph(ws.snapshot(), { focus: options.focus, depth: options.depth, columns: options.columns ?? true });
  const lines = [`focus ${data.focus ?? '(whole project)'}`];
  for (const n of data.nodes) {
    const where = [n.layer, n.materialization].filter(Boolean).join(' · ');
    const columns = n.columns.map((c) => `${c.name} ${c.type || '?'}`).join(', ');
    const run = n.lastRun ? ` · last run ${n.lastRun.status}${n.lastRun.rows !== undefined ? ` ${n.lastRun.rows} rows` : ''}${n.lastRun.at ? ` at ${n.lastRun.at}` : ''}` : '';
    lines.push(`${n.kind} ${n.name} (${n.id})${where ? ` ${where}` : ''} ${n.file ?? '-'} [${columns}]${run}`);
    if (n.description) lines.push(`    ${n.description}`);
  }
  for (const e of data.edges) lines.push(`${e.from} → ${e.to}`);
  for (const e of data.columnEdges) lines.push(edge(e));
  expectText(lines.join('\n'), expected);
  return data;
}

/** The columns one output column of a model reads directly, `node.column` one a line. */
export async function checkColumnInputs(source: Source, node: string, column: string, expected: string, options: CheckOptions = {}): Promise<ColumnRef[]> {
  const { ws } = await prepare(source, options);
  const inputs = await directInputs(ws.snapshot(), node, column);
  expectText(inputs.length ? inputs.map(ref).join('\n') : 'no inputs', expected);
  return inputs;
}

/** Every column edge into a model's column, back to the sources, in the order found. */
export async function checkColumnLineage(source: Source, node: string, column: string, expected: string, options: CheckOptions = {}): Promise<ColumnEdge[]> {
  const { ws } = await prepare(source, options);
  const edges = await columnLineage(ws.snapshot(), node, column);
  expectText(edges.length ? edges.map(edge).join('\n') : 'no lineage', expected);
  return edges;
}

function ref(r: ColumnRef): string {
  return `${r.node}.${r.column}`;
}

function edge(e: ColumnEdge): string {
  return `${ref(e.from)} → ${ref(e.to)}`;
}
