// The project's DAG: sources, seeds, models and tests with parent/child edges, a deterministic
// topological order, and every cycle reported with its full path on each ref taking part.
import { relationshipTarget } from '../project/link.js';
import type { Diagnostic, ModelNode, Project, SeedNode, SourceTable, TemplateScan, TestNode } from '../project/types.js';

export type GraphNode = ModelNode | SourceTable | SeedNode | TestNode;

export interface Graph {
  nodes: Map<string, GraphNode>;
  /** Upstream ids of each node. */
  parents: Map<string, Set<string>>;
  /** Downstream ids of each node. */
  children: Map<string, Set<string>>;
  /** Every node, parents before children, ties broken by id; nodes on cycles come last. */
  order: string[];
  /** Each distinct cycle as ids, first id repeated at the end: [a, b, c, a]. */
  cycles: string[][];
  diagnostics: Diagnostic[];
}

export function buildGraph(project: Project): Graph {
  const g: Graph = { nodes: new Map(), parents: new Map(), children: new Map(), order: [], cycles: [], diagnostics: [] };
  const add = (n: GraphNode): void => {
    g.nodes.set(n.id, n);
    g.parents.set(n.id, new Set());
    g.children.set(n.id, new Set());
  };
  for (const s of project.sources.values()) add(s);
  for (const s of project.seeds.values()) add(s);
  // Disabled models (enabled: false) and their tests are left out, as dbt does.
  for (const m of project.models.values()) if (m.config.enabled) add(m);
  for (const t of project.tests.values()) if (!t.attachedTo || !t.attachedTo.startsWith('model.') || project.models.get(t.attachedTo.slice(6))?.config.enabled) add(t);
  const edge = (parent: string | undefined, child: string): void => {
    if (parent === undefined || !g.nodes.has(parent)) return;
    g.parents.get(child)!.add(parent);
    g.children.get(parent)!.add(child);
  };
  const scanEdges = (id: string, scan: TemplateScan): void => {
    for (const r of scan.refs) edge(refTarget(project, r.name), id);
    for (const s of scan.sources) edge(project.sources.get(`${s.source}.${s.table}`)?.id, id);
  };
  for (const m of project.models.values()) {
    if (!g.nodes.has(m.id)) continue;
    scanEdges(m.id, m.scan);
    for (const name of m.renderedRefs ?? []) edge(refTarget(project, name), m.id);
  }
  for (const t of project.tests.values()) {
    if (!g.nodes.has(t.id)) continue;
    if (t.scan) scanEdges(t.id, t.scan);
    if (t.attachedTo) edge(t.attachedTo, t.id);
    // A test argument written `ref('x')` or `source('s', 't')` (relationships' `to:`, or any argument
    // of a project's own generic test) is read by the test.
    for (const arg of Object.values(t.spec?.args ?? {})) if (typeof arg === 'string' && REF_ARG.test(arg)) edge(relationshipTarget(project, arg), t.id);
  }
  const { order, rest } = topologicalOrder(g);
  g.order = order.concat(rest);
  if (rest.length > 0) findCycles(project, g, new Set(rest));
  return g;
}

const REF_ARG = /^\s*(ref|source)\s*\(/;

/** A node's short name: the model/seed/test name, or 'source.table'. */
export function nodeName(n: GraphNode | undefined): string | undefined {
  if (!n) return undefined;
  return n.kind === 'source' ? `${n.source}.${n.table}` : n.name;
}

export function refTarget(project: Project, name: string): string | undefined {
  return project.models.get(name)?.id ?? project.seeds.get(name)?.id;
}

/**
 * Kahn's algorithm with a min-heap on ids, so the order never depends on insertion order. Works on
 * integer ranks (ids sorted once). Nodes it cannot order are on a cycle or below one: returned in `rest`.
 */
function topologicalOrder(g: Graph): { order: string[]; rest: string[] } {
  const ids = [...g.nodes.keys()].sort();
  const rank = new Map<string, number>();
  ids.forEach((id, i) => rank.set(id, i));
  const indegree = new Int32Array(ids.length);
  const heap = new RankHeap();
  for (let i = 0; i < ids.length; i++) {
    indegree[i] = g.parents.get(ids[i])!.size;
    if (indegree[i] === 0) heap.push(i);
  }
  const order: string[] = [];
  while (heap.size > 0) {
    const id = ids[heap.pop()];
    order.push(id);
    for (const c of g.children.get(id)!) {
      const r = rank.get(c)!;
      if (--indegree[r] === 0) heap.push(r);
    }
  }
  const rest = order.length < ids.length ? ids.filter((_, i) => indegree[i] > 0) : [];
  return { order, rest };
}

/**
 * Strongly connected components (Tarjan, iterative) among the nodes Kahn could not order; for every
 * edge inside a component, the shortest cycle through it is reported on the ref that makes the edge.
 */
function findCycles(project: Project, g: Graph, within: Set<string>): void {
  const seen = new Set<string>();
  for (const scc of stronglyConnected(g, within)) {
    if (scc.length === 1 && !g.parents.get(scc[0])!.has(scc[0])) continue;
    const members = new Set(scc);
    for (const child of [...scc].sort()) {
      for (const parent of [...g.parents.get(child)!].sort()) {
        if (!members.has(parent)) continue;
        // The edge parent → child: the cycle continues from child back to parent.
        const back = shortestPath(g, child, parent, members);
        const cycle = [parent, ...back];
        const key = canonical(cycle);
        if (!seen.has(key)) {
          seen.add(key);
          g.cycles.push(cycle.map((id) => id));
        }
        reportCycleEdge(project, g, parent, child, cycle);
      }
    }
  }
}

function reportCycleEdge(project: Project, g: Graph, parent: string, child: string, cycle: string[]): void {
  const node = g.nodes.get(child);
  if (!node || (node.kind !== 'model' && node.kind !== 'test') || !node.scan) return;
  const pathText = cycle.map((id) => nodeName(g.nodes.get(id)) ?? id).join(' → ');
  const parentName = (g.nodes.get(parent) as ModelNode | SeedNode).name;
  for (const r of node.scan.refs) {
    if (refTarget(project, r.name) !== parent) continue;
    g.diagnostics.push({ file: node.file, range: r.range, severity: 'error', message: `Cycle: ${pathText}`, code: 'cycle', data: { cycle, ref: parentName } });
  }
}

/** Ids from `from` to `to` following child edges inside `within` (BFS, sorted for determinism). */
function shortestPath(g: Graph, from: string, to: string, within: Set<string>): string[] {
  const prev = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    if (id === to) break;
    for (const c of [...g.children.get(id)!].sort()) {
      if (!within.has(c) || prev.has(c)) continue;
      prev.set(c, id);
      queue.push(c);
    }
  }
  const path = [to];
  while (path[0] !== from) path.unshift(prev.get(path[0])!);
  return path;
}

/** The same cycle written from its smallest id, for de-duplication. */
function canonical(cycle: string[]): string {
  const ring = cycle.slice(0, -1);
  let best = 0;
  for (let i = 1; i < ring.length; i++) if (ring[i] < ring[best]) best = i;
  return [...ring.slice(best), ...ring.slice(0, best)].join('|');
}

function stronglyConnected(g: Graph, within: Set<string>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const start of within) {
    if (index.has(start)) continue;
    const work: Array<{ id: string; it: Iterator<string> }> = [];
    const visit = (id: string): void => {
      index.set(id, counter);
      low.set(id, counter++);
      stack.push(id);
      onStack.add(id);
      work.push({ id, it: g.children.get(id)![Symbol.iterator]() });
    };
    visit(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const next = top.it.next();
      if (!next.done) {
        const c = next.value;
        if (!within.has(c)) continue;
        if (!index.has(c)) visit(c);
        else if (onStack.has(c)) low.set(top.id, Math.min(low.get(top.id)!, index.get(c)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.id)!));
      }
      if (low.get(top.id) === index.get(top.id)) {
        const scc: string[] = [];
        let id: string;
        do {
          id = stack.pop()!;
          onStack.delete(id);
          scc.push(id);
        } while (id !== top.id);
        out.push(scc);
      }
    }
  }
  return out;
}

/** A binary min-heap of integer ranks. */
class RankHeap {
  private items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= a[i]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }

  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
