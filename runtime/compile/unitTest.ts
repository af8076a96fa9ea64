// A unit test's SQL: its model rendered with ref()/source()/this of the given inputs printing fixture
// CTEs (`__dbt__cte__<input>`, as dbt names them), each given row cast to its input column's type, and
// the query comparing the model's rows with the expected ones both ways (EXCEPT ALL, as a multiset).
import { isObject } from '../project/config.js';
import { ident as quoteIdent, literal as quoteLiteral } from '../engine/sql.js';
import { packageOf } from '../project/packages.js';
import { csvRows, inputTarget } from '../project/unitTests.js';
import type { CompiledNode, Diagnostic, Project, Range, TestNode, UnitTestRows, UnitTestSpec } from '../project/types.js';
import type { Graph } from '../graph/dag.js';
import { constantMap } from '../template/offsetMap.js';
import { Renderer } from '../template/render.js';
import { compileNode, injectCtes, type CompileOptions } from './compile.js';
import { rendererFor } from './renderers.js';

export interface TypedColumn {
  name: string;
  type?: string;
}

/** An input's columns: `complete` when they are all of them (a row's other keys are typos). */
export interface InputColumns {
  columns: TypedColumn[];
  complete: boolean;
}

export interface UnitTestCompileOptions extends CompileOptions {
  /** The columns of a given input's node; default: what the project declares (staticColumns). */
  columns?: (id: string) => InputColumns | undefined;
  /** A fixture file's text (<test-path>/fixtures/<name>.csv or .sql); without it a CSV file is read by the SQL. */
  readFixture?: (name: string, format: 'csv' | 'sql') => string | undefined;
}

/** The model's query over the fixtures; diagnostics say what keeps it from running. */
export function compileUnitTest(project: Project, graph: Graph, test: TestNode, opts: UnitTestCompileOptions): { compiled: CompiledNode } {
  const spec = test.unit!;
  const diagnostics: Diagnostic[] = [];
  const fail = (range: Range, message: string): void => {
    diagnostics.push({ file: spec.location.file, range, severity: 'error', message, code: 'bad-unit-test' });
  };
  const model = graph.nodes.get(test.attachedTo ?? '');
  if (model?.kind !== 'model') {
    fail(spec.modelRange, `Unit test '${spec.name}': no model named '${spec.model}'`);
    return { compiled: { id: test.id, sql: '', map: constantMap(spec.location.range), diagnostics } };
  }
  const refs = new Map<string, string>();
  const sources = new Map<string, string>();
  let self: string | undefined;
  const ctes: string[] = [];
  for (const g of spec.given) {
    const target = inputTarget(project, spec.model, g.input);
    const node = target === undefined ? undefined : graph.nodes.get(target);
    if (!node || node.kind === 'test') {
      fail(g.inputRange, `Unit test '${spec.name}': the input ${g.input} is not a model, seed or source of the project`);
      continue;
    }
    const name = node.kind === 'source' ? node.table : node.name;
    const cte = `__dbt__cte__${name}`;
    if (g.input.trim() === 'this') self = cte;
    else if (node.kind === 'source') sources.set(`${node.source}.${node.table}`, cte);
    else refs.set(node.name, cte);
    const known = opts.columns?.(node.id) ?? staticColumns(project, node.id);
    // Compiled without a run (medallion compile), a CSV fixture file is read where it is when the SQL runs.
    const unread = !opts.readFixture && g.fixture !== undefined && g.format === 'csv';
    const body = unread ? `select * from read_csv(${quoteLiteral(`${project.root}/${project.config.testPaths[0] ?? 'tests'}/fixtures/${g.fixture}.csv`)}, header = true)` : fixtureSql(g, `'${name}'`, known, opts.readFixture, fail);
    if (body !== undefined) ctes.push(`${cte} as (\n${body}\n)`);
  }
  const fixtures = { ref: (n: string) => refs.get(n), source: (s: string, t: string) => sources.get(`${s}.${t}`), self };
  const compiled = compileNode(project, graph, model.id, { ...opts, isIncremental: spec.overrides.macros.is_incremental === true, macroOverrides: spec.overrides.macros, fixtures, renderer: unitRenderer(project, spec) });
  const injected = injectCtes(compiled.sql, compiled.map, ctes, spec.location.range);
  return { compiled: { id: test.id, sql: injected.sql, map: injected.map, diagnostics: [...diagnostics, ...compiled.diagnostics] } };
}

/** The project's renderer, or one with the test's var and env_var overrides. */
function unitRenderer(project: Project, spec: UnitTestSpec): Renderer | undefined {
  const { vars, envVars } = spec.overrides;
  if (Object.keys(vars).length === 0 && Object.keys(envVars).length === 0) return rendererFor(project);
  const config = { ...project.config, vars: { ...project.config.vars, ...vars } };
  const macroFiles = [...(project.macroFiles ?? new Map<string, string>())].map(([file, text]) => ({ file, text, package: packageOf(config, file)?.name }));
  return new Renderer(config, macroFiles, { limits: config.renderLimits, env: (name) => envVars[name] ?? process.env[name] });
}

/** What the project itself says of a node's columns: a seed's header, an enforced contract, documented columns. */
export function staticColumns(project: Project, id: string): InputColumns | undefined {
  const [kind, ...rest] = id.split('.');
  const name = rest.join('.');
  if (kind === 'seed') {
    const seed = project.seeds.get(name);
    if (!seed?.columns?.length) return undefined;
    return { columns: seed.columns.map((c) => ({ name: c, type: seed.columnTypes[c] ?? seed.inferredTypes[c] })), complete: true };
  }
  const declared = kind === 'source' ? project.sources.get(name)?.columns : project.models.get(name)?.spec?.columns;
  if (!declared?.length) return undefined;
  const model = kind === 'model' ? project.models.get(name) : undefined;
  const source = kind === 'source' ? project.sources.get(name) : undefined;
  return { columns: declared.map((c) => ({ name: c.name, type: c.dataType })), complete: model?.config.contractEnforced === true || source?.format !== undefined };
}

/** A fixture's select: dict or csv rows cast to the columns' types (missing columns null), or its sql. */
export function fixtureSql(rows: UnitTestRows, what: string, known: InputColumns | undefined, readFixture: UnitTestCompileOptions['readFixture'], fail: (range: Range, message: string) => void): string | undefined {
  if (rows.format === 'sql') {
    const sql = rows.fixture !== undefined ? readFixture?.(rows.fixture, 'sql') : rows.sql;
    if (sql === undefined) fail(rows.location.range, `No fixture file '${rows.fixture}.sql' under the test paths' fixtures/ folder`);
    return sql?.trim().replace(/;\s*$/, '');
  }
  const data = fixtureRows(rows, readFixture, fail);
  if (!data) return undefined;
  const byName = new Map((known?.columns ?? []).map((c) => [c.name.toLowerCase(), c]));
  const extra: TypedColumn[] = [];
  data.forEach((row, i) => {
    for (const key of Object.keys(row)) {
      const lower = key.toLowerCase();
      if (byName.has(lower) || extra.some((c) => c.name.toLowerCase() === lower)) continue;
      if (known?.complete) fail(rows.keyRanges?.[i]?.[lower] ?? rows.location.range, `Invalid column name '${key}' in unit test fixture for ${what}: its columns are ${known.columns.map((c) => c.name).join(', ')}`);
      else extra.push({ name: key });
    }
  });
  const columns = [...(known?.columns ?? []), ...extra];
  if (columns.length === 0) return 'select null as "_" limit 0';
  const select = (row: Record<string, unknown> | undefined): string =>
    'select ' + columns.map((c) => `${cast(valueOf(row, c.name), c.type)} as ${quoteIdent(c.name)}`).join(', ');
  return data.length === 0 ? `${select(undefined)}\nlimit 0` : data.map(select).join('\nunion all\n');
}

/** Dict rows as written, csv rows inline or from the fixture file. */
function fixtureRows(rows: UnitTestRows, readFixture: UnitTestCompileOptions['readFixture'], fail: (range: Range, message: string) => void): Array<Record<string, unknown>> | undefined {
  if (rows.fixture === undefined) return rows.rows ?? [];
  const text = readFixture?.(rows.fixture, 'csv');
  if (text === undefined) {
    fail(rows.location.range, `No fixture file '${rows.fixture}.csv' under the test paths' fixtures/ folder`);
    return undefined;
  }
  const parsed = csvRows(text);
  if ('error' in parsed) fail(rows.location.range, `The fixture '${rows.fixture}.csv' does not parse: ${parsed.error}`);
  return 'error' in parsed ? undefined : parsed.rows;
}

function valueOf(row: Record<string, unknown> | undefined, column: string): unknown {
  if (!row) return null;
  const lower = column.toLowerCase();
  const key = Object.keys(row).find((k) => k.toLowerCase() === lower);
  return key === undefined ? null : row[key];
}

/** A YAML value as SQL, cast to the column's type when known (dbt's format_row with safe_cast). */
export function cast(value: unknown, type: string | undefined): string {
  const lit =
    value === null || value === undefined ? 'null'
    : typeof value === 'number' || typeof value === 'bigint' ? String(value)
    : typeof value === 'boolean' ? String(value)
    : `'${(Array.isArray(value) || isObject(value) ? JSON.stringify(value) : String(value)).replace(/'/g, "''")}'`;
  return type ? `cast(${lit} as ${type})` : lit;
}

export interface UnitTestComparison {
  sql: string;
  /** The columns compared: the expected rows' keys (all the model's columns for sql expectations). */
  columns: string[];
}

/**
 * The query returning the rows only the model gives and the rows only the expectation has, tagged
 * 'actual' / 'expected' in `actual_or_expected`; `actualColumns` are the model's output columns and types.
 */
export function comparisonSql(spec: UnitTestSpec, actualSql: string, actualColumns: TypedColumn[], readFixture: UnitTestCompileOptions['readFixture'], fail: (range: Range, message: string) => void): UnitTestComparison | undefined {
  const expect = spec.expect;
  const byName = new Map(actualColumns.map((c) => [c.name.toLowerCase(), c]));
  let columns = actualColumns;
  if (expect.format !== 'sql') {
    const rows = fixtureRows(expect, readFixture, fail);
    if (!rows) return undefined;
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r).map((k) => k.toLowerCase())))];
    if (keys.length > 0) {
      const bad = keys.filter((k) => !byName.has(k));
      for (const k of bad) fail(expect.rows?.length ? (expect.keyRanges?.find((r) => r[k])?.[k] ?? expect.location.range) : expect.location.range, `Invalid column name '${k}' in unit test fixture for expected output: the model's columns are ${actualColumns.map((c) => c.name).join(', ')}`);
      if (bad.length) return undefined;
      columns = keys.map((k) => byName.get(k)!);
    }
  }
  const expected = fixtureSql(expect, 'expected output', { columns, complete: true }, readFixture, fail);
  if (expected === undefined) return undefined;
  const list = columns.map((c) => quoteIdent(c.name)).join(', ');
  const sql =
    `with dbt_internal_unit_test_actual as (\n  select ${list} from (\n${actualSql}\n  ) _dbt_internal_unit_test_actual\n),\n` +
    `dbt_internal_unit_test_expected as (\n  select ${list} from (\n${expected}\n  ) _dbt_internal_unit_test_expected\n)\n` +
    `select 'actual' as actual_or_expected, * from (select * from dbt_internal_unit_test_actual except all select * from dbt_internal_unit_test_expected) _only_actual\n` +
    `union all\n` +
    `select 'expected' as actual_or_expected, * from (select * from dbt_internal_unit_test_expected except all select * from dbt_internal_unit_test_actual) _only_expected`;
  return { sql, columns: columns.map((c) => c.name) };
}
