// A `source freshness` run, shared by the CLI and the editor: the warehouse opened read-only for the
// checks (or an empty database when there is none yet, so each source says it is missing), then
// <target>/sources.json (dbt's v3) and the run kept among the runs in run_results.json (v6).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { openMemory, openWarehouse, WarehouseLockedError } from '../engine/duckdb.js';
import { profileSetup } from '../engine/profileSetup.js';
import type { Project, SourceTable } from '../project/types.js';
import { checkFreshness, type FreshnessResult } from './freshness.js';
import { newRunId, saveRunResults } from './results.js';
import { dbtSources, freshnessRunResults, saveSources, type FreshnessRun } from './sourcesJson.js';
import { renderSql } from './sqlHooks.js';

/** Why a freshness run could not start (a Trino target, a locked warehouse): a message for the user. */
export class FreshnessRunError extends Error {}

export interface FreshnessOutcome extends FreshnessRun {
  /** The sources.json written. */
  written: string;
}

/** Checks `sources` in turn; `onResult` sees each check as it ends (1-based index). */
export async function runSourceFreshness(project: Project, sources: SourceTable[], select: string[], onResult?: (r: FreshnessResult, index: number) => void): Promise<FreshnessOutcome> {
  if (project.config.trino) throw new FreshnessRunError('source freshness runs on DuckDB targets only for now');
  const file = path.resolve(project.root, project.config.warehouse);
  const started = new Date();
  const runId = newRunId();
  let db;
  try {
    db = existsSync(file) ? await openWarehouse(file, { readOnly: true, setup: profileSetup(project.root, project.config.duckdb) }) : await openMemory();
  } catch (err) {
    throw new FreshnessRunError(err instanceof WarehouseLockedError ? err.message : `Could not open the warehouse ${file}: ${(err as Error).message}`);
  }
  let results: FreshnessResult[];
  try {
    const warehouse = db;
    // A loaded_at_query is Jinja, rendered as dbt renders it: `this` is the source.
    const render = async (query: string, source: SourceTable): Promise<string> => {
      const compiled = await renderSql(warehouse, project, query, source.location.file, { self: source.relation });
      const problem = compiled.diagnostics.find((d) => d.severity === 'error');
      if (problem) throw new Error(`loaded_at_query: ${problem.message}`);
      return compiled.sql;
    };
    results = await checkFreshness(db, sources, onResult, render);
  } finally {
    db.close();
  }
  const run: FreshnessRun = { runId, startedAt: started.toISOString(), elapsedMs: Date.now() - started.getTime(), results };
  const written = await saveSources(project, dbtSources(project, run));
  await saveRunResults(project, runId, freshnessRunResults(project, run, select));
  return { ...run, written };
}
