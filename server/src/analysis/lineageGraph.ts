// The lineage graph for the lineage view: nodes and edges around a model (or the whole project)
// and, for the models in it, column-level edges from their parse trees (not in an untrusted
// workspace: they need the rendered SQL).
import type { ModelNode } from '../../../runtime/project/types.js';
import type { Node, Snapshot } from './snapshot.js';
import { directInputs, type ColumnEdge } from './lineage.js';
import type { Graph } from '../../../runtime/graph/dag.js';
import { walk } from '../../../runtime/graph/select.js';

export interface LineageNodeData {
  id: string;
  kind: 'model' | 'source' | 'seed';
  name: string;
  layer?: string;
  materialization?: string;
  description?: string;
  file?: string;
  columns: Array<{ name: string; type: string }>;
  lastRun?: { status: string; rows?: number; at?: string };
}

export interface LineageData {
  focus?: string;
  nodes: LineageNodeData[];
  edges: Array<{ from: string; to: string }>;
  columnEdges: ColumnEdge[];
}

/** Column edges are computed for at most this many models, so a whole-project view stays quick. */
const MAX_COLUMN_MODELS = 200;

export async function lineageGraph(snap: Snapshot, options: { focus?: string; depth?: number; columns: boolean }): Promise<LineageData> {
  const ids = options.focus ? focusIds(snap.graph, options.focus, options.depth ?? Infinity) : new Set(snap.graph.nodes.keys());
  const present = [...ids].map((id) => snap.node(id)).filter((n): n is Node => n !== undefined);
  const models = options.columns && snap.trusted ? present.filter((n): n is ModelNode => n.kind === 'model').slice(0, MAX_COLUMN_MODELS) : [];
  // Bound before described: a model's columns come from the same bindings as its column edges.
  if (models.length) await snap.bindings.bindFiles(models.map((m) => m.file));
  const nodes = present.map((n) => describe(snap, n));
  const kept = new Set(nodes.map((n) => n.id));
  const edges: LineageData['edges'] = [];
  for (const id of kept) for (const p of snap.graph.parents.get(id) ?? []) if (kept.has(p)) edges.push({ from: p, to: id });
  const columnEdges: ColumnEdge[] = [];
  for (const m of models) {
    for (const c of snap.columns(m.id)) {
      for (const from of await directInputs(snap, m.id, c.name)) if (kept.has(from.node)) columnEdges.push({ from, to: { node: m.id, column: c.name } });
    }
  }
  return { ...(options.focus ? { focus: options.focus } : {}), nodes, edges, columnEdges };
}

/** The focus, its ancestors and then its descendants, each within `depth` steps. */
function focusIds(graph: Pick<Graph, 'parents' | 'children'>, focus: string, depth: number): Set<string> {
  return new Set([...walk(graph, [focus], 'parents', depth), ...walk(graph, [focus], 'children', depth)]);
}

function describe(snap: Snapshot, node: Node): LineageNodeData {
  const run = snap.lastRun(node.id);
  const columns = snap.columns(node.id).map((c) => ({ name: c.name, type: c.type ?? '' }));
  const lastRun = run ? { lastRun: { status: run.status, ...(run.rows !== undefined ? { rows: run.rows } : {}), ...(run.at ? { at: run.at } : {}) } } : {};
  if (node.kind === 'model') {
    return { id: node.id, kind: 'model', name: node.name, ...(node.layer ? { layer: node.layer } : {}), materialization: node.config.materialized, ...(node.description ? { description: node.description } : {}), file: node.file, columns, ...lastRun };
  }
  if (node.kind === 'source') {
    return { id: node.id, kind: 'source', name: `${node.source}.${node.table}`, layer: 'bronze', ...(node.description ? { description: node.description } : {}), file: node.location.file, columns, ...lastRun };
  }
  return { id: node.id, kind: 'seed', name: node.name, file: node.file, columns, ...lastRun };
}
