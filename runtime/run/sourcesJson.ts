// <target>/sources.json in dbt's schema v3 (what dbt-core 1.10's `source freshness` writes), from the
// results of runtime/run/freshness.ts.
import * as path from 'node:path';
import { writeFileInside } from '../lake/within.js';
import type { FreshnessTime } from '../project/freshness.js';
import type { Project } from '../project/types.js';
import { databaseOf, quotedRelation, uniqueId } from './dbtNodes.js';
import type { FreshnessResult } from './freshness.js';
import { RUN_RESULTS_SCHEMA, targetFolder } from './results.js';

export const SOURCES_SCHEMA = 'https://schemas.getdbt.com/dbt/sources/v3.json';
export const SOURCES_FILE = 'sources.json';

export interface FreshnessRun {
  runId: string;
  startedAt: string;
  elapsedMs: number;
  results: FreshnessResult[];
}

export function dbtSources(project: Project, run: FreshnessRun): unknown {
  return {
    metadata: metadata(SOURCES_SCHEMA, run),
    results: run.results.map((r) => {
      const unique_id = uniqueId(project, r.id);
      if (r.status === 'runtime error') return { unique_id, error: r.error ?? null, status: r.status };
      return {
        unique_id,
        max_loaded_at: r.maxLoadedAt,
        snapshotted_at: r.snapshottedAt,
        max_loaded_at_time_ago_in_s: r.ageSeconds,
        status: r.status,
        criteria: criteriaOf(r),
        ...execution(r),
      };
    }),
    elapsed_time: run.elapsedMs / 1000,
  };
}

/**
 * The same checks in run_results.json (schema v6, whose statuses include freshness's pass, warn, error
 * and runtime error), so a freshness run is kept among the runs like any other; what sources.json
 * says beyond the status rides in adapter_response.
 */
export function freshnessRunResults(project: Project, run: FreshnessRun, select: string[]): unknown {
  const database = databaseOf(project.config.warehouse);
  return {
    metadata: metadata(RUN_RESULTS_SCHEMA, run),
    results: run.results.map((r) => {
      const facts = r.status === 'runtime error' ? {} : { max_loaded_at: r.maxLoadedAt, snapshotted_at: r.snapshottedAt, max_loaded_at_time_ago_in_s: r.ageSeconds, criteria: criteriaOf(r) };
      const { adapter_response, ...rest } = execution(r);
      return {
        status: r.status,
        ...rest,
        adapter_response: { ...adapter_response, ...facts },
        message: r.error ?? null,
        failures: null,
        unique_id: uniqueId(project, r.id),
        compiled: null,
        compiled_code: null,
        relation_name: quotedRelation(database, r.relation),
        batch_results: null,
      };
    }),
    elapsed_time: run.elapsedMs / 1000,
    args: { which: 'freshness', select, exclude: [], project_dir: project.root },
  };
}

function metadata(schema: string, run: FreshnessRun): Record<string, unknown> {
  return { dbt_schema_version: schema, dbt_version: '1.10.0', generated_at: new Date().toISOString(), invocation_id: run.runId, invocation_started_at: run.startedAt, env: {} };
}

function criteriaOf(r: FreshnessResult): Record<string, unknown> {
  const time = (t: FreshnessTime | null): { count: number | null; period: string | null } | null => (t === null ? null : { count: t.count ?? null, period: t.period ?? null });
  return { warn_after: time(r.threshold.warnAfter), error_after: time(r.threshold.errorAfter), filter: r.threshold.filter ?? null };
}

/** A check's timing, thread and adapter response, as both artifacts write them. */
function execution(r: FreshnessResult): { adapter_response: Record<string, unknown>; timing: unknown[]; thread_id: string; execution_time: number } {
  return {
    adapter_response: { _message: r.status === 'runtime error' ? 'ERROR' : 'OK', ...(r.basis ? { basis: r.basis } : {}) },
    timing: [
      { name: 'compile', started_at: r.startedAt, completed_at: r.startedAt },
      { name: 'execute', started_at: r.startedAt, completed_at: r.completedAt },
    ],
    thread_id: 'Thread-1 (worker)',
    execution_time: r.ms / 1000,
  };
}

export async function saveSources(project: Pick<Project, 'root' | 'config'>, sources: unknown): Promise<string> {
  const { dir, within } = targetFolder(project);
  const file = path.join(dir, SOURCES_FILE);
  await writeFileInside(within, file, JSON.stringify(sources, null, 2) + '\n');
  return file;
}
