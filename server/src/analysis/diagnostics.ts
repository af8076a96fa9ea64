// Diagnostics per file. Static ones come from loading and linking (YAML, pipeline.yml schema, Jinja,
// config values, unknown refs/sources/macros/vars with "did you mean", duplicates) and from the DAG
// (cycles), and generic tests nothing defines; bound ones from the binder (SQL errors, unknown
// columns, contracts) and from the columns they found (testColumns.ts: YAML tests on a missing column);
// nothing is rendered or bound in an untrusted workspace.
import { isBuiltinTest, testMacro, unknownTestDiagnostic } from '../../../runtime/compile/tests.js';
import type { Diagnostic, Project } from '../../../runtime/project/types.js';
import type { Workspace } from './workspace.js';
import { testColumnDiagnostics } from './testColumns.js';
import { unitTestDiagnostics } from './unitTests.js';

let cache: { project: Diagnostic[]; graph: Diagnostic[]; byFile: Map<string, Diagnostic[]> } | undefined;

/** Every file's static diagnostics, computed once per linked state. */
export function staticDiagnostics(ws: Workspace): Map<string, Diagnostic[]> {
  const snap = ws.snapshot();
  const project = snap.project.diagnostics;
  const graph = snap.graph.diagnostics;
  if (cache?.project === project && cache.graph === graph) return cache.byFile;
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of [...project, ...graph, ...unknownTests(snap.project)]) {
    const list = byFile.get(d.file) ?? [];
    list.push(withFix(d));
    byFile.set(d.file, list);
  }
  cache = { project, graph, byFile };
  return byFile;
}

export function boundDiagnostics(ws: Workspace, file: string): Diagnostic[] {
  return [...ws.binder.diagnostics(file), ...testColumnDiagnostics(ws, file), ...unitTestDiagnostics(ws, file)];
}

/** Binds the models `files` define or specify (inputs first); returns the files whose bound diagnostics may have changed. */
export async function bindFiles(ws: Workspace, files: string[]): Promise<string[]> {
  return ws.trusted ? ws.binder.bindFiles(files) : [];
}

/** Binds the rest of the project; `onFiles` hears about files with new bound diagnostics. How many models this call's pass checked. */
export async function bindAll(ws: Workspace, onFiles: (files: string[]) => void): Promise<number | undefined> {
  return ws.trusted ? ws.binder.bindAll(onFiles) : undefined;
}

/** Schema YAML tests whose name is neither built in nor a {% test %} block (a run would fail on them). */
function unknownTests(project: Project): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const test of project.tests.values()) {
    const spec = test.spec;
    if (spec && !isBuiltinTest(project, spec.name) && !testMacro(project, spec.name)) out.push(unknownTestDiagnostic(project, spec));
  }
  return out;
}

/** A "did you mean" suggestion replaces the diagnostic's own range unless it says otherwise. */
function withFix(d: Diagnostic): Diagnostic {
  if (typeof d.data?.suggestion !== 'string' || d.data.replace) return d;
  return { ...d, data: { ...d.data, replace: d.range } };
}
