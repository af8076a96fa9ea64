// Where bound problems land in a template: the contract comparison reported on the SQL and the YAML,
// an output column's name in the SQL, the first select, a whole word; SQL errors at their template range.
import type { CompiledNode, Diagnostic, Location, ModelNode, Range } from '../../../runtime/project/types.js';
import { suggest } from '../../../runtime/project/config.js';
import { compareContract } from '../../../runtime/run/contracts.js';
import type { Column } from './snapshot.js';

/** The runner's own contract comparison (runtime/run/contracts.ts), reported on the SQL and the YAML; unknown types match anything. */
export function checkContract(model: ModelNode, columns: Column[]): Diagnostic[] {
  const spec = model.spec;
  if (!spec || !(model.config.contractEnforced || spec.contractEnforced) || spec.columns.length === 0) return [];
  const out: Diagnostic[] = [];
  const add = (code: string, message: string, yaml: Location, sql: Range): void => {
    out.push({ file: yaml.file, range: yaml.range, severity: 'error', message, code });
    out.push({ file: model.file, range: sql, severity: 'error', message, code });
  };
  const unknown = new Set(columns.filter((c) => c.type === undefined).map((c) => c.name));
  for (const m of compareContract(columns.map((c) => ({ name: c.name, type: c.type ?? '' })), spec.columns)) {
    if (m.reason === 'data type mismatch' && unknown.has(m.column)) continue;
    if (m.reason === 'missing in definition') {
      add('contract-missing-column', `contract: column ${m.column} is declared but ${model.name} does not produce it`, m.spec!.location, firstSelect(model.text));
    } else if (m.reason === 'data type mismatch') {
      add('contract-type-mismatch', `contract: column ${m.column} is ${m.modelType} in the SQL but declared as ${m.contractType}`, m.spec!.location, columnInSql(model.text, m.column));
    } else {
      add('contract-extra-column', `contract: ${model.name} produces column ${m.column} (${m.modelType}) which is not declared`, spec.location, columnInSql(model.text, m.column));
    }
  }
  return out;
}

/** The first `select` keyword of a template (where model-level SQL problems are shown). */
export function firstSelect(text: string): Range {
  const m = /\bselect\b/i.exec(text);
  return m ? { start: m.index, end: m.index + m[0].length } : { start: 0, end: 0 };
}

/** The first whole-word occurrence of `name` at or after `from`. */
export function wordAt(text: string, name: string, from: number): Range | undefined {
  const re = new RegExp(`(?<![\\w"])${escape(name)}(?![\\w"])`, 'gi');
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? { start: m.index, end: m.index + name.length } : undefined;
}

/** Where an output column is named in a template: its `as name` alias, else its name after the last select. */
function columnInSql(text: string, name: string): Range {
  const alias = new RegExp(`\\bas\\s+"?(${escape(name)})"?(?![\\w"])`, 'gi');
  let found: Range | undefined;
  for (let m = alias.exec(text); m; m = alias.exec(text)) found = { start: m.index + m[0].indexOf(m[1]), end: m.index + m[0].indexOf(m[1]) + name.length };
  if (found) return found;
  const select = firstSelect(text);
  const lastSelect = [...text.matchAll(/\bselect\b/gi)].pop()?.index ?? select.start;
  return wordAt(text, name, lastSelect) ?? select;
}

function escape(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A SQL error of the compiled model at the template range it came from (the first select when DuckDB gives no offset). */
export function sqlDiagnostic(model: ModelNode, compiled: CompiledNode, message: string, offset: number | undefined): Diagnostic {
  const range = offset === undefined ? firstSelect(model.text) : compiled.map.toTemplate(offset);
  return { file: model.file, range, severity: 'error', message, code: 'sql-error' };
}

/** Narrows an unknown column to its name in the template and adds the "did you mean". */
export function refineUnknownColumn(model: ModelNode, d: Diagnostic, unknown: { name: string; candidates: string[] }, inputs: Array<{ columns: Column[] }>): void {
  const candidates = unknown.candidates.length ? unknown.candidates : inputs.flatMap((s) => s.columns.map((c) => c.name));
  const suggestion = suggest(unknown.name, new Set(candidates));
  const at = wordAt(model.text, unknown.name, d.range.start);
  if (at) d.range = at;
  d.code = 'unknown-column';
  d.message = `column ${unknown.name} not found${suggestion ? ` — did you mean ${suggestion}` : ''}`;
  if (suggestion) d.data = { suggestion };
}
