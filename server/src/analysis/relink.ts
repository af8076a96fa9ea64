// Incremental linking of one edited model. When only the body or the calls of a model changed (not
// its name or config), the next snapshot's project is the previous one with that model's text, scan,
// diagnostics and DAG edges replaced; nothing of the previous snapshot changes. A full relink is still
// needed (returns undefined) when the change would create a cycle, break the topological order, or
// when the project has cycles already.
import { checkScan } from '../../../runtime/project/link.js';
import { refTarget, type Graph, type GraphNode } from '../../../runtime/graph/dag.js';
import type { ModelFile } from '../../../runtime/project/summary.js';
import type { Diagnostic, Project, TemplateScan } from '../../../runtime/project/types.js';
import type { Snapshot } from './snapshot.js';
import { PatchedMap } from './patchedMap.js';

export function relinkModel(snap: Snapshot, next: ModelFile, parseDiagnostics: Diagnostic[], previous: TemplateScan): Snapshot | undefined {
  const { project, graph } = snap;
  const model = project.models.get(next.name);
  // A computed ref() is found by rendering at link time (dynamicRefs.ts): relink the whole project.
  if (!model || model.file !== next.file || graph.cycles.length > 0 || next.scan.dynamicRefs?.length || model.renderedRefs) return undefined;
  if (JSON.stringify(previous.configs.map((c) => c.args)) !== JSON.stringify(next.scan.configs.map((c) => c.args))) return undefined;
  const id = model.id;
  const parents = new Set<string>();
  for (const r of next.scan.refs) {
    const target = refTarget(project, r.name);
    if (target) parents.add(target);
  }
  for (const s of next.scan.sources) {
    const source = project.sources.get(`${s.source}.${s.table}`);
    if (source) parents.add(source.id);
  }
  const old = graph.parents.get(id) ?? new Set<string>();
  const added = [...parents].filter((p) => !old.has(p));
  // Every new parent must already come before the model (order stays valid) and must not be
  // downstream of it (no cycle).
  const index = added.length ? snap.orderIndex() : undefined;
  if (index && added.some((p) => (index.get(p) ?? Infinity) >= (index.get(id) ?? -1))) return undefined;
  const patched = { ...model, text: next.text, scan: next.scan };
  const nextProject: Project = { ...project, models: PatchedMap.replace(project.models, next.name, patched), diagnostics: fileDiagnostics(project, next, parseDiagnostics) };
  return snap.relinked(nextProject, withEdges(graph, patched, old, parents));
}

/** The graph with the model's node replaced and its parent edges changed from `old` to `parents` (only changed sets are new). */
function withEdges(graph: Graph, model: GraphNode, old: Set<string>, parents: Set<string>): Graph {
  const nodes = PatchedMap.replace(graph.nodes, model.id, model);
  const removed = [...old].filter((p) => !parents.has(p));
  const added = [...parents].filter((p) => !old.has(p));
  if (!removed.length && !added.length) return { ...graph, nodes };
  let children: Map<string, Set<string>> = graph.children;
  for (const p of [...removed, ...added]) {
    const set = children.get(p);
    if (!set) continue;
    const copy = new Set(set);
    if (parents.has(p)) copy.add(model.id);
    else copy.delete(model.id);
    children = PatchedMap.replace(children, p, copy);
  }
  return { ...graph, nodes, parents: PatchedMap.replace(graph.parents, model.id, parents), children };
}

/** The project's diagnostics with the model file's replaced by its parse and link diagnostics. */
function fileDiagnostics(project: Project, next: ModelFile, parseDiagnostics: Diagnostic[]): Diagnostic[] {
  const diagnostics = project.diagnostics.filter((d) => d.file !== next.file);
  diagnostics.push(...parseDiagnostics);
  checkScan(project, next.file, next.scan, (file, range, message, code, data, severity = 'error') => {
    diagnostics.push({ file, range, severity, message, code, ...(data ? { data } : {}) });
  });
  return diagnostics;
}
