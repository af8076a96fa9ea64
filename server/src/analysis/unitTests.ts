// Editor diagnostics of dbt unit tests: a given or expected row's column that its input (or the tested
// model) does not have, at the key in the YAML with the closest column as a "did you mean" quick fix,
// and a value that cannot cast to a known column type.
// Only columns known for certain (bound, a contract, a seed, the catalog) are checked: never a guess.
import type { Diagnostic, Range, UnitTestRows } from '../../../runtime/project/types.js';
import { didYouMean, suggest } from '../../../runtime/project/config.js';
import { inputTarget } from '../../../runtime/project/unitTests.js';
import { relationColumns } from './columnTypes.js';
import type { Column, Snapshot } from './snapshot.js';

/** The diagnostics of the unit tests declared in `file`. */
export function unitTestDiagnostics(snap: Snapshot, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const test of snap.testsDeclaredIn(file)) {
    const spec = test.unit;
    if (!spec) continue;
    for (const g of spec.given) {
      const id = inputTarget(snap.project, spec.model, g.input);
      const columns = id === undefined ? undefined : certainColumns(snap, id);
      if (columns) out.push(...rowDiagnostics(file, g, `'${id!.slice(id!.indexOf('.') + 1)}'`, columns));
    }
    const model = certainColumns(snap, test.attachedTo!);
    if (model) out.push(...rowDiagnostics(file, spec.expect, `the output of '${spec.model}'`, model));
  }
  return out;
}

/** A node's columns when they are certain, else undefined. */
function certainColumns(snap: Snapshot, id: string): Column[] | undefined {
  const node = snap.node(id);
  if (!node) return undefined;
  const columns = relationColumns(snap, node, snap.catalog, node.kind === 'model' ? snap.bindings.columns(id) : undefined, snap.bindings.fileColumns(id));
  return columns?.length ? columns : undefined;
}

function rowDiagnostics(file: string, rows: UnitTestRows, what: string, columns: Column[]): Diagnostic[] {
  if (!rows.rows || rows.format === 'sql' || rows.fixture !== undefined) return [];
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  rows.rows.forEach((row, i) => {
    for (const [key, value] of Object.entries(row)) {
      const lower = key.toLowerCase();
      const range: Range = rows.keyRanges?.[i]?.[lower] ?? rows.location.range;
      const column = byName.get(lower);
      const at = `${range.start}:${lower}`;
      if (!column) {
        const s = closestColumn(lower, columns);
        if (!reported.has(at)) out.push({ file, range, severity: 'error', code: 'unit-test-unknown-column', message: `${what} has no column '${key}' (it has ${columns.map((c) => c.name).join(', ')})${didYouMean(s)}`, data: s ? { suggestion: s } : undefined });
        reported.add(at);
        continue;
      }
      const problem = column.type ? castProblem(value, column.type) : undefined;
      if (problem) out.push({ file, range, severity: 'error', code: 'unit-test-bad-value', message: `'${String(value)}' cannot be a ${column.type} (column '${column.name}' of ${what}): ${problem}` });
    }
  });
  return out;
}

/** The column a misspelt key most likely means (case aside), the quick fix's replacement. */
function closestColumn(lower: string, columns: Column[]): string | undefined {
  const best = suggest(lower, columns.map((c) => c.name.toLowerCase()));
  return columns.find((c) => c.name.toLowerCase() === best)?.name;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|DECIMAL|NUMERIC|DOUBLE|FLOAT|REAL)\b/i;
const NUMBER_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/**
 * Why DuckDB's cast of the value to `type` fails, for the cases that fail for certain: text that is
 * no number to a numeric type, a number or text that is no date to DATE. Anything else is allowed.
 */
function castProblem(value: unknown, type: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (NUMERIC.test(type) && typeof value === 'string' && !NUMBER_TEXT.test(value)) return 'it is not a number';
  if (/^DATE$/i.test(type.trim())) {
    if (typeof value === 'number') return 'a number is not a date (write it as YYYY-MM-DD)';
    if (typeof value === 'string' && !/^\s*\d{4}-\d{1,2}-\d{1,2}/.test(value)) return 'a date is written YYYY-MM-DD';
  }
  return undefined;
}

