// Running data tests: the failing-rows query of a test node (built-in generic tests from their spec;
// singular tests and `{% test %}` blocks compiled), its failure count and the first failing rows,
// judged by the test's severity.
import type { ColumnInfo, EngineSession, JsonValue } from '../../engine/adapter.js';
import { externalRead } from '../../project/externalLocation.js';
import { relationshipTarget } from '../../project/link.js';
import type { Project, TestNode } from '../../project/types.js';
import { previewSql, toSubquery, type CompileFn } from '../preview.js';
import type { NodeContext, NodeOutcome, RunGraph } from '../types.js';
import { genericTestSql, isBuiltinTest } from '../../compile/tests.js';
import { storedAs, storeFailures } from './audit.js';
import { failureCountSql, thresholdsOf } from './sql.js';
import { runUnitTestNode } from '../unitTest.js';

export type TestStatus = 'pass' | 'fail' | 'warn' | 'error';

export interface TestResult {
  id: string;
  /** pass: no failing rows; fail/warn: failing rows at severity error/warn; error: the test could not run. */
  status: TestStatus;
  /** The test's config as it ran: its YAML config, then the config() its template or macro called. */
  config?: Record<string, unknown>;
  failures: number;
  /** The first failing rows (at most SAMPLE_ROWS), JSON-safe, with their columns. */
  sampleRows: Record<string, JsonValue>[];
  columns: ColumnInfo[];
  ms: number;
  /** Empty on pass; dbt's "Got 3 results, configured to fail if != 0"; or the error. */
  message: string;
  /** The failing-rows query that ran, when there was one. */
  sql?: string;
}

export const SAMPLE_ROWS = 5;

/** Runs one test node on the session. Never throws: a test that cannot run has status 'error'. */
export async function runTest(session: EngineSession, project: Project, graph: RunGraph, testId: string, compile: CompileFn): Promise<TestResult> {
  const started = performance.now();
  const result = (status: TestStatus, message: string, extra: Partial<TestResult> = {}): TestResult => ({
    id: testId,
    status,
    failures: 0,
    sampleRows: [],
    columns: [],
    message,
    ...extra,
    ms: performance.now() - started,
  });
  const node = graph.nodes.get(testId);
  if (node?.kind !== 'test') return result('error', `No test '${testId}' in the project`);
  let built: TestQuery;
  try {
    built = await testSql(project, graph, node, compile);
  } catch (err) {
    return result('error', err instanceof Error ? err.message : String(err));
  }
  if ('error' in built) return result('error', built.error);
  try {
    // dbt's thresholds: the YAML test's config, then the config() its template or macro called.
    const config = { ...node.spec?.config, ...built.config };
    const thresholds = thresholdsOf(config);
    const counted = (await session.query(failureCountSql(built.sql, thresholds))).rows[0] ?? {};
    const failures = Number(counted.failures ?? 0);
    const status = severityOf(node) === 'error' && counted.should_error === true ? 'fail' : counted.should_warn === true ? 'warn' : 'pass';
    if (status === 'pass') return result('pass', '', { failures, sql: built.sql, config });
    const sample = await previewSql(session, built.sql, { limit: SAMPLE_ROWS });
    return result(status, `Got ${failures} result${failures === 1 ? '' : 's'}, configured to ${status} if ${status === 'fail' ? thresholds.errorIf : thresholds.warnIf}`, {
      failures,
      sampleRows: sample.rows,
      columns: sample.columns,
      sql: built.sql,
      config,
    });
  } catch (err) {
    // Said of the test's own query, not of the count wrapped around it (whose SQL the user never wrote).
    const own = await session.describe(built.sql).then(() => err, (e: unknown) => e);
    return result('error', own instanceof Error ? own.message : String(own), { sql: built.sql });
  }
}

/** runTest as the runner's `runTest` hook: pass → success, rows = failing rows, sample rows in details. */
export async function runTestNode(ctx: NodeContext, test: TestNode): Promise<NodeOutcome> {
  if (test.unit) return runUnitTestNode(ctx, test);
  const r = await runTest(ctx.db, ctx.project, ctx.graph, test.id, ctx.compile);
  const as = r.status === 'error' || r.sql === undefined ? undefined : storedAs(r.config ?? {});
  const stored = as ? await storeFailures(ctx.db, ctx.project, test, r.sql!, as).catch((e: unknown) => new Error(e instanceof Error ? e.message : String(e))) : undefined;
  if (stored instanceof Error) return { status: 'error', message: `storing failures: ${stored.message}`, error: { file: test.file, range: test.spec?.location.range, message: stored.message } };
  const details = { failures: r.failures, sampleRows: r.sampleRows, columns: r.columns, sql: r.sql, ...(stored ? { storedFailures: stored } : {}) };
  if (r.status === 'error') {
    return { status: 'error', message: r.message, error: { file: test.file, range: test.spec?.location.range, message: r.message }, details };
  }
  return { status: r.status === 'pass' ? 'success' : r.status, rows: r.failures, message: r.message || undefined, details };
}

/** A singular test may set its severity with `{{ config(severity='warn') }}`, as in dbt. */
export function severityOf(node: TestNode): 'warn' | 'error' {
  const configured = node.spec ? undefined : node.scan?.configs.find((c) => typeof c.args.severity === 'string')?.args.severity;
  return typeof configured === 'string' ? (configured.toLowerCase() === 'warn' ? 'warn' : 'error') : node.severity;
}

/** A test's failing-rows query and the config() its template or macro called, or why there is none. */
type TestQuery = { sql: string; config?: Record<string, unknown> } | { error: string };

/** The failing-rows query of a test node, or why there is none. */
export async function testSql(project: Project, graph: RunGraph, node: TestNode, compile: CompileFn): Promise<TestQuery> {
  if (!node.spec || !isBuiltinTest(project, node.spec.name)) {
    const compiled = await compile(node.id);
    const problem = compiled.diagnostics.find((d) => d.severity === 'error');
    return problem ? { error: `${problem.file}: ${problem.message}` } : { sql: compiled.sql, config: compiled.testConfig };
  }
  if (!node.attachedTo) return { error: `Test '${node.name}' is not attached to a model, seed or source` };
  const model = await queryable(graph, project.root, node.attachedTo, compile);
  if (model === undefined) return { error: `Test '${node.name}' is attached to '${node.attachedTo}', which is not in the project` };
  // A relationships test's parent, resolved before the (synchronous) SQL generation asks for it.
  const to = node.spec.args.to;
  const parentId = typeof to === 'string' ? relationshipTarget(project, to) : undefined;
  const parent = parentId === undefined ? undefined : await queryable(graph, project.root, parentId, compile);
  return genericTestSql(node.spec, model, (asked) => (asked === to ? parent : undefined));
}

/** What a node is queryable as in FROM: its relation, or its compiled SQL when it is ephemeral. */
async function queryable(graph: RunGraph, root: string, id: string, compile: CompileFn): Promise<string | undefined> {
  const node = graph.nodes.get(id);
  if (!node || node.kind === 'test') return undefined;
  if (node.kind === 'model' && node.config.materialized === 'ephemeral') return toSubquery((await compile(id)).sql, 'dbt_ephemeral');
  // A dbt-duckdb external source is read where its files are, as source() renders it.
  if (node.kind === 'source' && node.external) return externalRead(node.external, root);
  return node.relation;
}
