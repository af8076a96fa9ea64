// The run steps that differ by engine, chosen by the warehouse's engine: DuckDB's (bronze.ts,
// materialize.ts) or Trino's (trino/). A third engine is one more entry here and its own folder.
import type { EngineSession } from '../engine/adapter.js';
import type { Lake } from '../lake/lake.js';
import type { ModelNode, Project, SeedNode, SourceTable } from '../project/types.js';
import { ensureLoadState, loadSource, type SourceLoad } from './bronze.js';
import { isIncrementalRun, materialize } from './materialize.js';
import { loadSeed, type SeedLoad } from './seeds.js';
import { configRange, runSnapshotNode } from './snapshot.js';
import { isIncrementalOnTrino, materializeOnTrino } from './trino/model.js';
import { loadSeedOnTrino } from './trino/seed.js';
import { loadSourceOnTrino } from './trino/source.js';
import { syncPublished } from './trino/sync.js';
import type { NodeContext, NodeOutcome, RunGraph } from './types.js';

export interface RunSteps {
  /** Before any node runs: the state the runner keeps in the warehouse, the catalog in step with the lake. */
  prepare(db: EngineSession, run: { lake: Lake; project: Project; graph: RunGraph }): Promise<void>;
  loadSource(ctx: NodeContext, source: SourceTable): Promise<SourceLoad>;
  /** Creates or replaces a seed's table from its CSV, typed as dbt types it (seeds.ts). */
  loadSeed(ctx: NodeContext, seed: SeedNode): Promise<SeedLoad>;
  isIncrementalRun: typeof isIncrementalRun;
  /** A snapshot node (SCD type 2), with its hooks. */
  snapshot(ctx: NodeContext, node: ModelNode): Promise<NodeOutcome>;
  materialize: typeof materialize;
  /** Whether target/catalog.json is written from this engine's information schema. */
  catalog: boolean;
}

const duckdb: RunSteps = {
  prepare: (db) => ensureLoadState(db),
  loadSource: (ctx, source) => loadSource(ctx.db, ctx.lake, source, { runId: ctx.runId, tempDir: ctx.tempDir, force: ctx.fullRefresh }),
  loadSeed: (ctx, seed) => loadSeed(ctx.db, ctx.project, seed),
  isIncrementalRun,
  snapshot: runSnapshotNode,
  materialize,
  catalog: true,
};

const trino: RunSteps = {
  prepare: async (db, run) => {
    // Here, before nodes run in parallel: the file metastore refuses a second concurrent CREATE SCHEMA.
    await db.exec('CREATE SCHEMA IF NOT EXISTS "_medallion"');
    await syncPublished(db, run.lake, run.project, run.graph);
  },
  loadSource: (ctx, source) => loadSourceOnTrino(ctx.db, ctx.lake, source, { lakeConfig: ctx.project.config.lake, tempDir: ctx.tempDir, force: ctx.fullRefresh }),
  loadSeed: loadSeedOnTrino,
  isIncrementalRun: isIncrementalOnTrino,
  snapshot: snapshotOnTrino,
  materialize: materializeOnTrino,
  catalog: true,
};

export function runSteps(engine: string): RunSteps {
  return engine === 'trino' ? trino : duckdb;
}

/**
 * Snapshots close rows in place (UPDATE), which Hive tables on S3 cannot do; until they are written as
 * new versions, one is refused on Trino at its config, before anything runs, rather than half-built.
 */
async function snapshotOnTrino(_ctx: NodeContext, node: ModelNode): Promise<NodeOutcome> {
  const message = `The snapshot ${node.name} cannot run on Trino yet (Hive tables have no UPDATE to close changed rows); build it on a DuckDB target`;
  return { status: 'error', message, error: { ...configRange(node, 'strategy'), message } };
}
