// run_results.json in dbt's schema v6 (what dbt-core 1.10 writes): <target>/run_results.json holds the
// last run that started (a run refused before it starts leaves it alone) and
// <target>/runs/<run id>/run_results.json the last KEPT_RUNS runs. <target> is the project's
// target-path, `target/` by default. Medallion's own facts (rows, a source's accounting, a test's
// failing rows, where an error is) ride in each result's adapter_response, which dbt leaves open.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeFileInside } from '../lake/within.js';
import type { GraphNode } from '../graph/dag.js';
import type { Project } from '../project/types.js';
import { databaseOf, quotedRelation, uniqueId } from './dbtNodes.js';
import type { NodeResult, RunOptions, RunResults } from './types.js';

export const KEPT_RUNS = 20;
export const RUN_RESULTS_SCHEMA = 'https://schemas.getdbt.com/dbt/run-results/v6.json';

/** What the runner knows about each node's execution beyond its result. */
export interface NodeFacts {
  thread: number;
  startedAt: string;
  completedAt: string;
  compiledSql?: string;
}

/**
 * The target folder, and the folder every write into it must stay inside after symlinks: the project,
 * unless target-path is written as an absolute path (then the folder itself).
 */
export function targetFolder(project: Pick<Project, 'root' | 'config'>): { dir: string; within: string } {
  const dir = path.resolve(project.root, project.config.targetPath);
  return { dir, within: path.isAbsolute(project.config.targetPath) ? dir : project.root };
}

/** dbt's run_results.json for a run; `nodes` gives each result's node (for its unique_id and relation). */
export function dbtRunResults(project: Project, run: RunResults, nodes: ReadonlyMap<string, GraphNode>, facts: ReadonlyMap<string, NodeFacts>, options: Pick<RunOptions, 'select' | 'exclude' | 'fullRefresh' | 'threads'>): unknown {
  const database = databaseOf(project.config.warehouse);
  const generated = new Date().toISOString();
  return {
    metadata: { dbt_schema_version: RUN_RESULTS_SCHEMA, dbt_version: '1.10.0', generated_at: generated, invocation_id: run.runId, invocation_started_at: run.startedAt, env: {} },
    results: run.results.map((r) => {
      const node = nodes.get(r.id);
      const f = facts.get(r.id);
      const test = r.kind === 'test';
      const relation = node && node.kind !== 'test' && !(node.kind === 'model' && node.config.materialized === 'ephemeral') ? quotedRelation(database, node.relation) : null;
      const timing = f ? [{ name: 'compile', started_at: f.startedAt, completed_at: f.startedAt }, { name: 'execute', started_at: f.startedAt, completed_at: f.completedAt }] : [];
      return {
        status: dbtStatus(r), timing, thread_id: `Thread-${(f?.thread ?? 0) + 1} (worker)`, execution_time: r.ms / 1000,
        adapter_response: { _message: r.message ?? 'OK', ...(r.rows !== undefined ? { rows_affected: r.rows } : {}), ...(r.details ? { details: r.details } : {}), ...(r.error ? { error: r.error } : {}) },
        message: r.status === 'success' && test ? null : (r.error?.message ?? r.message ?? (r.status === 'success' ? 'OK' : null)),
        failures: test ? (r.status === 'skipped' || r.status === 'error' || r.status === 'cancelled' ? null : (r.rows ?? 0)) : null,
        unique_id: uniqueId(project, r.id, node), compiled: f?.compiledSql !== undefined ? true : null, compiled_code: f?.compiledSql ?? null, relation_name: relation, batch_results: null,
      };
    }),
    elapsed_time: run.elapsedMs / 1000,
    args: { which: run.command, select: options.select ?? [], exclude: options.exclude ?? [], full_refresh: options.fullRefresh ?? false, ...(options.threads ? { threads: options.threads } : {}), project_dir: project.root },
  };
}

/** dbt's words: tests pass/fail/warn, other nodes success; a cancelled node is an error (the run did not finish). */
function dbtStatus(r: NodeResult): string {
  if (r.status === 'cancelled') return 'error';
  if (r.kind === 'test' && r.status === 'success') return 'pass';
  return r.status;
}

/** A run's id: its UTC start time (so the kept runs sort oldest first) and a random suffix. */
export function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export async function saveRunResults(project: Pick<Project, 'root' | 'config'>, runId: string, results: unknown): Promise<void> {
  const { dir, within } = targetFolder(project);
  const runs = path.join(dir, 'runs');
  const text = JSON.stringify(results, null, 2) + '\n';
  await writeFileInside(within, path.join(runs, runId, 'run_results.json'), text);
  await writeFileInside(within, path.join(dir, 'run_results.json'), text);
  // Run ids start with their UTC time, so the names sort oldest first.
  const old = (await fsp.readdir(runs)).sort().slice(0, -KEPT_RUNS);
  for (const name of old) await fsp.rm(path.join(runs, name), { recursive: true, force: true });
}
