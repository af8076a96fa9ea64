// <target>/sources.json in dbt's schema v3 (what dbt-core 1.10's `source freshness` writes), from the
// results of runtime/run/freshness.ts.
import * as path from 'node:path';
import { writeFileInside } from '../lake/within.js';
import type { FreshnessTime } from '../project/freshness.js';
import type { Project } from '../project/types.js';
import { uniqueId } from './dbtNodes.js';
import type { FreshnessResult } from './freshness.js';
import { targetFolder } from './results.js';

export const SOURCES_SCHEMA = 'https://schemas.getdbt.com/dbt/sources/v3.json';
export const SOURCES_FILE = 'sources.json';

export interface FreshnessRun {
  runId: string;
  startedAt: string;
  elapsedMs: number;
  results: FreshnessResult[];
}

export function dbtSources(project: Project, run: FreshnessRun): unknown {
  const time = (t: FreshnessTime | null): { count: number | null; period: string | null } | null => (t === null ? null : { count: t.count ?? null, period: t.period ?? null });
  return {
    metadata: { dbt_schema_version: SOURCES_SCHEMA, dbt_version: '1.10.0', generated_at: new Date().toISOString(), invocation_id: run.runId, invocation_started_at: run.startedAt, env: {} },
    results: run.results.map((r) => {
      const unique_id = uniqueId(project, r.id);
      if (r.status === 'runtime error') return { unique_id, error: r.error ?? null, status: r.status };
      return {
        unique_id,
        max_loaded_at: r.maxLoadedAt,
        snapshotted_at: r.snapshottedAt,
        max_loaded_at_time_ago_in_s: r.ageSeconds,
        status: r.status,
        criteria: { warn_after: time(r.threshold.warnAfter), error_after: time(r.threshold.errorAfter), filter: r.threshold.filter ?? null },
        adapter_response: { _message: 'OK', ...(r.basis ? { basis: r.basis } : {}) },
        timing: [
          { name: 'compile', started_at: r.startedAt, completed_at: r.startedAt },
          { name: 'execute', started_at: r.startedAt, completed_at: r.completedAt },
        ],
        thread_id: 'Thread-1 (worker)',
        execution_time: r.ms / 1000,
      };
    }),
    elapsed_time: run.elapsedMs / 1000,
  };
}

export async function saveSources(project: Pick<Project, 'root' | 'config'>, sources: unknown): Promise<string> {
  const { dir, within } = targetFolder(project);
  const file = path.join(dir, SOURCES_FILE);
  await writeFileInside(within, file, JSON.stringify(sources, null, 2) + '\n');
  return file;
}
