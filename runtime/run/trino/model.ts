// Materializations on Trino: view, and table (also the first or full-refresh build of an incremental
// model), written as Parquet under the model's <layer>/<model>/ folder of the lake (table.ts).
import type { EngineSession } from '../../engine/adapter.js';
import { ident, splitRelation } from '../../engine/sql.js';
import type { CompiledNode, ModelConfig, ModelNode } from '../../project/types.js';
import { compareContract, formatContractError } from '../contracts.js';
import { bind, ModelError, stripTrailing, type MaterializeContext, type MaterializeResult } from '../materialize.js';
import { relationKind, replaceTable } from './table.js';

export async function isIncrementalOnTrino(db: EngineSession, model: ModelNode, config: ModelConfig, fullRefresh: boolean): Promise<boolean> {
  return config.materialized === 'incremental' && !fullRefresh && (await relationKind(db, model.relation)) === 'table';
}

export async function materializeOnTrino(ctx: MaterializeContext, model: ModelNode, compiled: CompiledNode, incremental: boolean): Promise<MaterializeResult> {
  const config = compiled.config ?? model.config;
  const { db } = ctx;
  const sql = stripTrailing(compiled.sql);
  const columns = await bind(db, sql);
  const contract = config.contractEnforced && model.spec ? model.spec.columns : undefined;
  if (contract) {
    const mismatches = compareContract(columns, contract);
    if (mismatches.length) throw new ModelError(formatContractError(model.name, mismatches), 'contract');
  }
  const select = contract
    ? `SELECT ${contract.map((c) => `${ident(columns.find((x) => x.name.toLowerCase() === c.name.toLowerCase())!.name)} AS ${ident(c.name)}`).join(', ')} FROM (\n${sql}\n)`
    : `SELECT * FROM (\n${sql}\n)`;
  const { schema, name } = splitRelation(model.relation);
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);

  if (config.materialized === 'view') {
    if ((await relationKind(db, model.relation)) === 'table') await db.exec(`DROP TABLE ${model.relation}`);
    await db.exec(`CREATE OR REPLACE VIEW ${model.relation} AS ${select}`);
    return { message: 'view' };
  }
  if (config.materialized === 'external') throw new ModelError("materialized='external' is DuckDB's (dbt-duckdb); on Trino use table", 'config');
  if (config.materialized === 'incremental' && incremental) {
    throw new ModelError(`Incremental runs of ${model.name} on Trino are not supported yet: run with --full-refresh to rebuild it`, 'config');
  }
  const layer = model.layer ?? config.layer;
  const prefix = layer && layer !== 'bronze' ? `${layer}/${model.name}` : `_trino/tables/${schema}/${name}`;
  const rows = await replaceTable(db, ctx.lake, model.relation, prefix, select);
  return { rows, message: config.materialized === 'incremental' ? 'incremental (full build)' : 'table', published: prefix.startsWith('_trino/') ? undefined : prefix };
}
