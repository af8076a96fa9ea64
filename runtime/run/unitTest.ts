// Running a unit test: types its given rows (declared → the last build's catalog.json → a seed's
// inference → the warehouse relation), runs its model over them and compares with the expected rows;
// a failure's details are the rows only the model gives and the rows only the expectation has.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { EngineSession } from '../engine/adapter.js';
import { compileExecuting, fetchOn } from '../compile/execute.js';
import { comparisonSql, compileUnitTest, staticColumns, type InputColumns, type TypedColumn } from '../compile/unitTest.js';
import type { Graph } from '../graph/dag.js';
import { inputTarget } from '../project/unitTests.js';
import type { CompiledNode, Project, Range, TestNode } from '../project/types.js';
import { uniqueId } from './dbtNodes.js';
import { relationExists } from './preview.js';
import { targetFolder } from './results.js';
import type { NodeContext, NodeOutcome } from './types.js';

/** Rows of a failing unit test's diff shown in the results (each side). */
const DIFF_ROWS = 10;

export async function runUnitTestNode(ctx: NodeContext, test: TestNode): Promise<NodeOutcome> {
  const spec = test.unit!;
  const problems: Array<{ range: Range; message: string }> = [];
  const fail = (range: Range, message: string): void => {
    problems.push({ range, message });
  };
  const error = (message: string, range: Range = spec.location.range, sql?: string): NodeOutcome => errorOutcome(spec.location.file, range, message, sql);
  const query = await unitTestQuery(ctx, test);
  if ('status' in query) return query;
  const { compiled, readFixture } = query;
  let actual: TypedColumn[];
  try {
    actual = (await ctx.db.describe(compiled.sql)).map((c) => ({ name: c.name, type: c.type }));
  } catch (err) {
    return error(`Unit test '${spec.name}': the model does not run on the given rows (check the fixtures' columns and types): ${(err as Error).message}`, spec.location.range, compiled.sql);
  }
  const comparison = comparisonSql(spec, compiled.sql, actual, readFixture, fail);
  if (!comparison) return error(problems[0]?.message ?? `Unit test '${spec.name}' could not be compared`, problems[0]?.range);
  try {
    const diff = await ctx.db.query(comparison.sql);
    if (diff.rows.length === 0) return { status: 'success', rows: 0, details: { sql: comparison.sql } };
    const side = (which: string): Array<Record<string, unknown>> => diff.rows.filter((r) => r.actual_or_expected === which);
    const onlyActual = side('actual');
    const onlyExpected = side('expected');
    const message = `actual differs from expected: ${onlyActual.length} row${onlyActual.length === 1 ? '' : 's'} only in actual, ${onlyExpected.length} only in expected`;
    const sampleRows = [...onlyActual.slice(0, DIFF_ROWS), ...onlyExpected.slice(0, DIFF_ROWS)];
    return { status: 'fail', rows: diff.rows.length, message, details: { failures: diff.rows.length, sampleRows, columns: diff.columns, sql: comparison.sql } };
  } catch (err) {
    return error(`Unit test '${spec.name}': ${(err as Error).message}`, spec.location.range, comparison.sql);
  }
}

/** What unitTestQuery reads: the warehouse session (for the inputs' types and the execute phase) and the project. */
export type UnitTestContext = Pick<NodeContext, 'db' | 'project' | 'graph' | 'fullRefresh'>;

/** A unit test's model query over its given rows, each cast as the runner types it; or the error outcome. */
export async function unitTestQuery(ctx: UnitTestContext, test: TestNode): Promise<{ compiled: CompiledNode; readFixture: (name: string, format: 'csv' | 'sql') => string | undefined } | NodeOutcome> {
  const spec = test.unit!;
  const columns = await inputColumns(ctx, test);
  const fixtures = await readFixtures(ctx.project, test);
  const readFixture = (name: string, format: 'csv' | 'sql'): string | undefined => fixtures.get(`${name}.${format}`);
  let compiled;
  try {
    compiled = await compileExecuting((o) => compileUnitTest(ctx.project, ctx.graph as Graph, test, { ...o, columns: (id) => columns.get(id), readFixture }).compiled, fetchOn(ctx.db), { fullRefresh: ctx.fullRefresh });
  } catch (err) {
    return errorOutcome(spec.location.file, spec.location.range, err instanceof Error ? err.message : String(err));
  }
  const problem = compiled.diagnostics.find((d) => d.severity === 'error');
  if (problem) return errorOutcome(problem.file, problem.range, problem.message);
  return { compiled, readFixture };
}

function errorOutcome(file: string, range: Range, message: string, sql?: string): NodeOutcome {
  return { status: 'error', message: message.split('\n')[0], error: { file, range, message }, ...(sql ? { details: { sql } } : {}) };
}

/** The columns of each given input: names and types from the first source that knows them. */
async function inputColumns(ctx: UnitTestContext, test: TestNode): Promise<Map<string, InputColumns>> {
  const out = new Map<string, InputColumns>();
  const catalog = await readCatalog(ctx.project);
  for (const g of test.unit!.given) {
    const id = inputTarget(ctx.project, test.unit!.model, g.input);
    const node = id === undefined ? undefined : ctx.graph.nodes.get(id);
    if (!node || node.kind === 'test' || out.has(node.id)) continue;
    const declared = staticColumns(ctx.project, node.id);
    const built = catalog.get(uniqueId(ctx.project, node.id, node).toLowerCase());
    const warehouse = await relationColumns(ctx.db, node.relation);
    const names = warehouse ?? built ?? (declared?.complete ? declared.columns : undefined);
    if (!names) {
      if (declared) out.set(node.id, declared);
      continue;
    }
    const typeOf = (name: string): string | undefined => {
      const lower = name.toLowerCase();
      const find = (cols: TypedColumn[] | undefined): string | undefined => cols?.find((c) => c.name.toLowerCase() === lower)?.type;
      return find(declared?.columns) ?? find(built) ?? find(warehouse);
    };
    out.set(node.id, { columns: names.map((c) => ({ name: c.name, type: typeOf(c.name) })), complete: true });
  }
  return out;
}

async function relationColumns(db: EngineSession, relation: string): Promise<TypedColumn[] | undefined> {
  if (!(await relationExists(db, relation).catch(() => false))) return undefined;
  return db.describe(`select * from ${relation}`).then((cols) => cols.map((c) => ({ name: c.name, type: c.type })), () => undefined);
}

/** The last build's catalog.json: columns by lower-cased unique_id (nodes and sources); empty when absent. */
async function readCatalog(project: Project): Promise<Map<string, TypedColumn[]>> {
  const out = new Map<string, TypedColumn[]>();
  try {
    const json = JSON.parse(await fsp.readFile(path.join(targetFolder(project).dir, 'catalog.json'), 'utf8')) as Record<string, Record<string, { columns?: Record<string, { name: string; type: string; index: number }> }>>;
    for (const [uid, entry] of [...Object.entries(json.nodes ?? {}), ...Object.entries(json.sources ?? {})]) {
      out.set(uid.toLowerCase(), Object.values(entry.columns ?? {}).sort((a, b) => a.index - b.index).map((c) => ({ name: c.name, type: c.type })));
    }
  } catch {
    // No catalog yet: the other sources type the rows.
  }
  return out;
}

/** The fixture files the test names, by `<name>.<csv|sql>`, from each test path's fixtures/ folder. */
async function readFixtures(project: Project, test: TestNode): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const spec = test.unit!;
  for (const rows of [...spec.given, spec.expect]) {
    if (rows.fixture === undefined) continue;
    const file = `${rows.fixture}.${rows.format === 'sql' ? 'sql' : 'csv'}`;
    for (const dir of project.config.testPaths) {
      const text = await fsp.readFile(path.join(project.root, dir, 'fixtures', file), 'utf8').catch(() => undefined);
      if (text !== undefined) {
        out.set(file, text);
        break;
      }
    }
  }
  return out;
}
