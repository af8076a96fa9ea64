// Pure layout inputs of the lineage graph: which lane (bronze, silver, gold) each node sits in.
import type { LineageNode, LineageEdge, ColumnEdge } from '../../../server/src/lsp/protocol.js';

const laneOf: Record<string, number> = { bronze: 0, silver: 1, gold: 2 };
export const laneNames = ['bronze', 'silver', 'gold'];

/**
 * The lane of every node: its layer when it is bronze, silver or gold; sources sit in bronze; any
 * other node sits in the furthest lane of its parents (so edges never point backwards).
 */
export function lanes(nodes: LineageNode[], edges: LineageEdge[]): Map<string, number> {
  const parents = new Map<string, string[]>();
  for (const e of edges) parents.set(e.to, [...(parents.get(e.to) ?? []), e.from]);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  const visiting = new Set<string>();
  const laneFor = (id: string): number => {
    const known = out.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    if (!node) return 0;
    let lane = node.layer !== undefined ? laneOf[node.layer] : undefined;
    if (lane === undefined && node.kind === 'source') lane = 0;
    if (lane === undefined) {
      visiting.add(id);
      const ups = (parents.get(id) ?? []).filter((p) => byId.has(p) && !visiting.has(p)).map(laneFor);
      visiting.delete(id);
      lane = ups.length ? Math.max(...ups) : node.kind === 'seed' ? 0 : 1;
    }
    out.set(id, lane);
    return lane;
  };
  for (const n of nodes) laneFor(n.id);
  return out;
}

export const columnKey = (node: string, column: string) => `${node}\u0000${column}`;

/** Every column upstream and downstream of one column, through the column edges, and the edges used. */
export function columnClosure(start: string, edges: ColumnEdge[]): { columns: Set<string>; edges: Set<ColumnEdge> } {
  const columns = new Set([start]);
  const used = new Set<ColumnEdge>();
  const walk = (direction: 'up' | 'down') => {
    const queue = [start];
    const seen = new Set(queue);
    while (queue.length) {
      const current = queue.shift()!;
      for (const e of edges) {
        const [here, there] = direction === 'up' ? [e.to, e.from] : [e.from, e.to];
        if (columnKey(here.node, here.column) !== current) continue;
        used.add(e);
        const next = columnKey(there.node, there.column);
        columns.add(next);
        if (!seen.has(next)) { seen.add(next); queue.push(next); }
      }
    }
  };
  walk('up');
  walk('down');
  return { columns, edges: used };
}
