// Schema YAML tests on a column their model, seed or source does not have: the test's query selects
// the column, so the run fails on it. Given only when the relation's column names are certain (a model
// that bound, a seed's header, a declared pipeline.yml source, the last build's catalog) and the test
// certainly reads the column (dbt's built-in tests, or a {% test %} block using column_name unconditionally).
import { isBuiltinTest, testMacro } from '../../../runtime/compile/tests.js';
import type { Diagnostic, Range, TestNode } from '../../../runtime/project/types.js';
import { relationColumns } from './columnTypes.js';
import type { Snapshot } from './snapshot.js';

/** The diagnostics of the tests declared in `file`. */
export function testColumnDiagnostics(snap: Snapshot, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const test of snap.testsDeclaredIn(file)) {
    const spec = test.spec;
    if (!spec || !test.attachedTo || !readsColumn(snap, test)) continue;
    if (spec.column && isPlainName(spec.column)) {
      const known = columnNames(snap, test.attachedTo);
      if (known && !known.has(spec.column.toLowerCase())) out.push(diagnostic(file, columnRange(snap, test) ?? spec.location.range, spec.column, test.attachedTo, known));
    }
    // relationships: `field` is a column of the model `to` names.
    const field = spec.name === 'relationships' ? spec.args.field : undefined;
    const parent = typeof field === 'string' && isPlainName(field) ? [...(snap.graph.parents.get(test.id) ?? [])].find((p) => p !== test.attachedTo) : undefined;
    const fields = parent ? columnNames(snap, parent) : undefined;
    if (parent && fields && !fields.has(String(field).toLowerCase())) out.push(diagnostic(file, spec.location.range, String(field), parent, fields));
  }
  return out;
}

function diagnostic(file: string, range: Range, column: string, node: string, known: Set<string>): Diagnostic {
  const name = node.slice(node.indexOf('.') + 1);
  return { file, range, severity: 'error', code: 'test-unknown-column', message: `test on column ${column}, which ${name} does not have (it has ${[...known].join(', ')})` };
}

/** Lower-case column names of a node when they are certain, else undefined. */
function columnNames(snap: Snapshot, id: string): Set<string> | undefined {
  const node = snap.node(id);
  if (!node) return undefined;
  const columns = node.kind === 'model' ? snap.bindings.columns(id) : relationColumns(snap, node, snap.catalog, undefined, snap.bindings.fileColumns(id));
  return columns?.length ? new Set(columns.map((c) => c.name.toLowerCase())) : undefined;
}

/** The `- name:` of the column the test is declared under, when it is in the same file. */
function columnRange(snap: Snapshot, test: TestNode): Range | undefined {
  const node = snap.node(test.attachedTo!);
  const spec = node?.kind === 'model' ? node.spec : undefined;
  const column = spec?.columns.find((c) => c.name === test.spec!.column && c.location.file === test.spec!.location.file);
  return column?.location.range;
}

/** True when the test's SQL certainly selects its column: built in, or a {% test %} block without control flow. */
function readsColumn(snap: Snapshot, test: TestNode): boolean {
  const project = snap.project;
  const name = test.spec!.name;
  if (isBuiltinTest(project, name)) return true;
  const macro = testMacro(project, name);
  const body = macro && snap.text(macro.file)?.slice(macro.range.start, macro.range.end);
  if (!body) return false;
  const statements = [...body.matchAll(/\{%-?\s*(\w+)/g)].map((m) => m[1]);
  return statements.every((s) => s === 'test' || s === 'endtest') && /\{\{-?\s*column_name\s*-?\}\}/.test(body);
}

/** A bare identifier (not an expression or a quoted name); DuckDB's rowid is a column of every table. */
function isPlainName(name: string): boolean {
  return /^[A-Za-z_]\w*$/.test(name) && name.toLowerCase() !== 'rowid';
}
