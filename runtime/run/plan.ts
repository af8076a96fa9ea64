// What a run runs and in what order: the selected nodes of a command plus the sources they read,
// and the dependencies among them (tests before the downstream in a build), parents first.
import { walk } from '../graph/select.js';
import type { RunGraph } from './types.js';

/** The selected nodes the command runs, plus the lake-backed sources the selected models read. */
export function planNodes(graph: RunGraph, selected: string[], command: string): Set<string> {
  const kinds: Record<string, string[]> = { run: ['model'], build: ['seed', 'model', 'test', 'source', 'snapshot'], seed: ['seed'], test: ['test'], snapshot: ['snapshot'] };
  const wanted = new Set(kinds[command] ?? kinds.run);
  const ids = new Set<string>();
  for (const id of selected) {
    const node = graph.nodes.get(id);
    if (!node || !wanted.has(node.kind === 'model' && node.snapshot ? 'snapshot' : node.kind)) continue;
    if (node.kind === 'model' && (node.config.materialized === 'ephemeral' || !node.config.enabled)) continue;
    if (node.kind === 'source' && !node.path) continue;
    ids.add(id);
  }
  if (command === 'run' || command === 'build') {
    // Sources are read through ephemeral models too, since those are inlined.
    const addSources = (id: string, seen: Set<string>): void => {
      for (const parent of graph.parents.get(id) ?? []) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        const node = graph.nodes.get(parent);
        if (node?.kind === 'source' && node.path) ids.add(parent);
        if (node?.kind === 'model' && node.config.materialized === 'ephemeral') addSources(parent, seen);
      }
    };
    const seen = new Set<string>();
    for (const id of [...ids]) addSources(id, seen);
  }
  return ids;
}

/**
 * Dependencies among the nodes that run, in an order where parents come first. Ephemeral models in
 * between are looked through. In a build, a node also waits for a test when everything the test
 * reads is upstream of it (dbt's rule), so a failing test stops the downstream; a test that also
 * reads a sibling (a relationships test) does not hold back the models between.
 */
export function schedule(graph: RunGraph, ids: Set<string>, build: boolean): { parents: Map<string, Set<string>>; order: string[] } {
  const parents = new Map<string, Set<string>>();
  const upstream = (id: string, seen = new Set<string>()): Set<string> => {
    const out = new Set<string>();
    for (const p of graph.parents.get(id) ?? []) {
      if (seen.has(p)) continue;
      seen.add(p);
      if (ids.has(p)) out.add(p);
      else for (const q of upstream(p, seen)) out.add(q);
    }
    return out;
  };
  for (const id of ids) parents.set(id, upstream(id));
  if (build) {
    for (const id of ids) {
      if (graph.nodes.get(id)?.kind !== 'test') continue;
      const reads = [...(graph.parents.get(id) ?? [])];
      if (reads.length === 0) continue;
      // The nodes below everything the test reads.
      const below = reads.map((r) => walk(graph, graph.children.get(r) ?? [], 'children', Infinity)).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
      for (const other of below) if (other !== id && ids.has(other) && graph.nodes.get(other)?.kind !== 'test') parents.get(other)!.add(id);
    }
    // As in dbt, a model's unit tests run one after another just before it (after what the model waits
    // for): each waits for the one before, so the first failure skips the rest and the model.
    for (const id of ids) {
      const node = graph.nodes.get(id);
      if (node?.kind !== 'test' || !node.unit || !node.attachedTo || !ids.has(node.attachedTo)) continue;
      parents.set(id, new Set(parents.get(node.attachedTo)));
      parents.get(node.attachedTo)!.add(id);
    }
  }
  const ordered = graph.order.filter((id) => ids.has(id));
  const inOrder = new Set(ordered);
  const rest = [...ids].filter((id) => !inOrder.has(id));
  return { parents, order: topological(ordered.concat(rest), parents) };
}

/** Kahn's order over the scheduled edges, stable with respect to `preferred`; nodes left in a cycle come last. */
function topological(preferred: string[], parents: Map<string, Set<string>>): string[] {
  const placed = new Set<string>();
  const order: string[] = [];
  let progress = true;
  while (progress && order.length < preferred.length) {
    progress = false;
    for (const id of preferred) {
      if (placed.has(id) || [...(parents.get(id) ?? [])].some((p) => !placed.has(p))) continue;
      placed.add(id);
      order.push(id);
      progress = true;
    }
  }
  return order.concat(preferred.filter((id) => !placed.has(id)));
}
