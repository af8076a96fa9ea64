// The run steps that differ by engine, chosen by the warehouse's engine: DuckDB's (bronze.ts,
// materialize.ts) or Trino's (trino/). A third engine is one more entry here and its own folder.
import type { EngineSession } from '../engine/adapter.js';
import type { Lake } from '../lake/lake.js';
import type { Project, SeedNode, SourceTable } from '../project/types.js';
import { ensureLoadState, loadSource, type SourceLoad } from './bronze.js';
import { isIncrementalRun, materialize } from './materialize.js';
import { loadSeed, type SeedLoad } from './seeds.js';
import { isIncrementalOnTrino, materializeOnTrino } from './trino/model.js';
import { loadSeedOnTrino } from './trino/seed.js';
import { loadSourceOnTrino } from './trino/source.js';
import { syncPublished } from './trino/sync.js';
import type { NodeContext, RunGraph } from './types.js';

export interface RunSteps {
  /** Before any node runs: the state the runner keeps in the warehouse, the catalog in step with the lake. */
  prepare(db: EngineSession, run: { lake: Lake; project: Project; graph: RunGraph }): Promise<void>;
  loadSource(ctx: NodeContext, source: SourceTable): Promise<SourceLoad>;
  /** Creates or replaces a seed's table from its CSV, typed as dbt types it (seeds.ts). */
  loadSeed(ctx: NodeContext, seed: SeedNode): Promise<SeedLoad>;
  isIncrementalRun: typeof isIncrementalRun;
  materialize: typeof materialize;
  /** Whether target/catalog.json is written from this engine's information schema. */
  catalog: boolean;
}

const duckdb: RunSteps = {
  prepare: (db) => ensureLoadState(db),
  loadSource: (ctx, source) => loadSource(ctx.db, ctx.lake, source, { runId: ctx.runId, tempDir: ctx.tempDir, force: ctx.fullRefresh }),
  loadSeed: (ctx, seed) => loadSeed(ctx.db, ctx.project, seed),
  isIncrementalRun,
  materialize,
  catalog: true,
};

const trino: RunSteps = {
  prepare: (db, run) => syncPublished(db, run.lake, run.project, run.graph),
  loadSource: (ctx, source) => loadSourceOnTrino(ctx.db, ctx.lake, source, { lakeConfig: ctx.project.config.lake, tempDir: ctx.tempDir, force: ctx.fullRefresh }),
  loadSeed: loadSeedOnTrino,
  isIncrementalRun: isIncrementalOnTrino,
  materialize: materializeOnTrino,
  catalog: false,
};

export function runSteps(engine: string): RunSteps {
  return engine === 'trino' ? trino : duckdb;
}
