// Incremental linking of one edited model. When only the body or the calls of a model changed (not
// its name or config), the project is updated in place: text and scan, this file's diagnostics, and
// the DAG edges into the model. A full relink is still needed (returns false) when the change would
// create a cycle, break the topological order, or when the project has cycles already.
import { checkScan } from '../../../runtime/project/link.js';
import { refTarget } from '../../../runtime/graph/dag.js';
import type { ModelFile } from '../../../runtime/project/summary.js';
import type { Diagnostic, TemplateScan } from '../../../runtime/project/types.js';
import type { Snapshot } from './snapshot.js';

export function relinkModel(snap: Snapshot, next: ModelFile, parseDiagnostics: Diagnostic[], previous: TemplateScan): boolean {
  const { project, graph } = snap;
  const model = project.models.get(next.name);
  // A computed ref() is found by rendering at link time (dynamicRefs.ts): relink the whole project.
  if (!model || model.file !== next.file || graph.cycles.length > 0 || next.scan.dynamicRefs?.length || model.renderedRefs) return false;
  if (JSON.stringify(previous.configs.map((c) => c.args)) !== JSON.stringify(next.scan.configs.map((c) => c.args))) return false;
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
  if (added.length) {
    // Every new parent must already come before the model (order stays valid) and must not be
    // downstream of it (no cycle). Both are checked before anything changes.
    const index = snap.orderIndex();
    if (added.some((p) => (index.get(p) ?? Infinity) >= (index.get(id) ?? -1))) return false;
  }
  for (const p of old) if (!parents.has(p)) graph.children.get(p)?.delete(id);
  for (const p of added) graph.children.get(p)?.add(id);
  graph.parents.set(id, parents);
  model.text = next.text;
  model.scan = next.scan;
  const diagnostics = project.diagnostics.filter((d) => d.file !== next.file);
  diagnostics.push(...parseDiagnostics);
  checkScan(project, next.file, next.scan, (file, range, message, code, data, severity = 'error') => {
    diagnostics.push({ file, range, severity, message, code, ...(data ? { data } : {}) });
  });
  project.diagnostics = diagnostics;
  snap.invalidate();
  return true;
}
