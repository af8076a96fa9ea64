// Diagnostics per file. Static ones come from loading and linking (YAML, pipeline.yml schema, Jinja,
// config values, unknown refs/sources/macros/vars with "did you mean", duplicates) and from the DAG
// (cycles), and generic tests nothing defines; bound ones from the binder (SQL errors, unknown
// columns, contracts) and from the columns they found (testColumns.ts: YAML tests on a missing column);
// nothing is rendered or bound in an untrusted workspace.
import { isBuiltinTest, testMacro, unknownTestDiagnostic } from '../../../runtime/compile/tests.js';
import type { Diagnostic, Project } from '../../../runtime/project/types.js';
import type { Workspace } from './workspace.js';
import type { Snapshot } from './snapshot.js';
import { testColumnDiagnostics } from './testColumns.js';
import { unitTestDiagnostics } from './unitTests.js';

/** Every file's static diagnostics, computed once per linked project. */
export function staticDiagnostics(snap: Snapshot): Map<string, Diagnostic[]> {
  return snap.staticDiagnostics(byFile);
}

function byFile(snap: Snapshot): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const d of [...snap.project.diagnostics, ...snap.graph.diagnostics, ...snap.testDiagnostics(unknownTests)]) {
    const list = out.get(d.file) ?? [];
    list.push(d);
    out.set(d.file, list);
  }
  return out;
}

export function boundDiagnostics(snap: Snapshot, file: string): Diagnostic[] {
  return [...snap.bindings.diagnostics(file), ...testColumnDiagnostics(snap, file), ...unitTestDiagnostics(snap, file)];
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
