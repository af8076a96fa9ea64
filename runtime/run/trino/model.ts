// Materializations on Trino: view, table and incremental (append, delete+insert, merge), written as
// Parquet under the model's <layer>/<model>/ folder of the lake, each run a new version (table.ts).
import type { ColumnInfo, EngineSession } from '../../engine/adapter.js';
import { ident, splitRelation } from '../../engine/sql.js';
import type { Lake } from '../../lake/lake.js';
import type { CompiledNode, ModelConfig, ModelNode } from '../../project/types.js';
import { ModelError, selectUnderContract, stripTrailing, type MaterializeContext, type MaterializeResult } from '../materialize.js';
import { describeOnTrino, relationKind, replaceTable } from './table.js';

export async function isIncrementalOnTrino(db: EngineSession, model: ModelNode, config: ModelConfig, fullRefresh: boolean): Promise<boolean> {
  return config.materialized === 'incremental' && !fullRefresh && (await relationKind(db, model.relation)) === 'table';
}

export async function materializeOnTrino(ctx: MaterializeContext, model: ModelNode, compiled: CompiledNode, incremental: boolean): Promise<MaterializeResult> {
  const config = compiled.config ?? model.config;
  const { db } = ctx;
  const sql = stripTrailing(compiled.sql);
  const columns = await describeOnTrino(db, sql);
  const contract = inTrinoTerms(model, columns);
  const select = selectUnderContract(contract.model, config, contract.columns, sql);
  const { schema, name } = splitRelation(model.relation);
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);

  if (config.materialized === 'view') {
    if ((await relationKind(db, model.relation)) === 'table') await db.exec(`DROP TABLE ${model.relation}`);
    await db.exec(`CREATE OR REPLACE VIEW ${model.relation} AS ${select}`);
    return { message: 'view' };
  }
  if (config.materialized === 'external') throw new ModelError("materialized='external' is DuckDB's (dbt-duckdb); on Trino use table", 'config');
  const layer = model.layer ?? config.layer;
  const prefix = layer && layer !== 'bronze' ? `${layer}/${model.name}` : `_trino/tables/${schema}/${name}`;
  const published = prefix.startsWith('_trino/') ? undefined : prefix;
  if (config.materialized === 'incremental' && incremental) {
    const strategy = config.incrementalStrategy ?? (config.uniqueKey?.length ? 'delete+insert' : 'append');
    const rows = await incrementally(db, ctx.lake, model.relation, prefix, select, strategy, config.uniqueKey ?? []);
    return { rows, message: `incremental (${strategy})`, published };
  }
  const rows = await replaceTable(db, ctx.lake, model.relation, prefix, select);
  return { rows, message: config.materialized === 'incremental' ? 'incremental (full build)' : 'table', published };
}

/**
 * A model's contract and output columns as Trino can meet them: Hive tables have no time zone type, so
 * a timestamptz column is a UTC timestamp (as the bronze load stores one), whatever its precision.
 */
function inTrinoTerms(model: ModelNode, columns: ColumnInfo[]): { model: ModelNode; columns: ColumnInfo[] } {
  if (!model.spec) return { model, columns };
  const zoned = /^\s*(timestamptz|timestamp with time zone)\s*$/i;
  const spec = { ...model.spec, columns: model.spec.columns.map((c) => (c.dataType && zoned.test(c.dataType) ? { ...c, dataType: 'timestamp' } : c)) };
  return { model: { ...model, spec }, columns: columns.map((c) => ({ ...c, type: c.type.replace(/^TIMESTAMP\(\d+\)$/i, 'TIMESTAMP') })) };
}

/**
 * An incremental run as a new version of the whole table: the kept rows of the current one (all of
 * them for append; those whose unique_key the new rows lack for delete+insert and merge) plus the new
 * rows. Hive tables on S3 have no row-level DELETE or MERGE; a new version is also atomic for readers.
 * Returns the rows the run inserted or updated.
 */
async function incrementally(db: EngineSession, lake: Lake, relation: string, prefix: string, select: string, strategy: string, keys: string[]): Promise<number> {
  if (strategy !== 'append' && keys.length === 0) throw new ModelError(`The incremental strategy ${strategy} needs a unique_key.`, 'config');
  const columns = (await db.describe(`SELECT * FROM ${relation}`)).map((c) => ident(c.name)).join(', ');
  const on = keys.map((k) => `t.${ident(k)} IS NOT DISTINCT FROM s.${ident(k)}`).join(' AND ');
  const kept = strategy === 'append' ? `SELECT ${columns} FROM ${relation}` : `SELECT ${columns} FROM ${relation} t WHERE NOT EXISTS (SELECT 1 FROM (${select}) s WHERE ${on})`;
  const fresh = Number((await db.query(`SELECT count(*) AS n FROM (${select})`)).rows[0].n);
  await replaceTable(db, lake, relation, prefix, `${kept}\nUNION ALL\nSELECT ${columns} FROM (${select})`);
  return fresh;
}
