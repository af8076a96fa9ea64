// Tables on Trino's Hive catalog over the lake: each is an external Parquet table over a versioned
// folder that the S3 lake publishes behind its pointer, so DuckDB reads what Trino wrote.
import type { ColumnInfo, EngineSession } from '../../engine/adapter.js';
import { TrinoError } from '../../engine/trino.js';
import { ident, literal, relation as rel, splitRelation } from '../../engine/sql.js';
import type { Lake } from '../../lake/lake.js';
import { S3Lake } from '../../lake/s3.js';
import { offsetAt } from '../../compile/dialect.js';
import { ModelError } from '../materialize.js';

/** The S3 lake a Trino run writes to (a Trino target needs one; the project loader checks it). */
export function s3LakeOf(lake: Lake): S3Lake {
  if (!(lake instanceof S3Lake)) throw new Error(`A Trino target reads and writes an S3 lake; this project's lake is ${lake.describe}`);
  return lake;
}

/**
 * Output columns of a model's SQL, planned by the cluster. A statement Trino refuses (a DuckDB-only
 * function, say) is a ModelError at the offset in `sql` that Trino's line and column point to.
 */
export async function describeOnTrino(db: EngineSession, sql: string): Promise<ColumnInfo[]> {
  try {
    return await db.describe(sql);
  } catch (err) {
    if (!(err instanceof TrinoError)) throw err;
    // describe() wraps the SQL in "SELECT * FROM (\n" … "\n) LIMIT 0": its line 2 is the SQL's line 1.
    const line = (err.line ?? 0) - 1;
    const offset = line >= 1 && line <= sql.split('\n').length ? offsetAt(sql, line, err.column ?? 1) : undefined;
    throw new ModelError(`Trino: ${err.reason}`, 'sql', offset);
  }
}

/** 'table' | 'view' for an existing relation in the session's catalog, undefined when there is none. */
export async function relationKind(db: EngineSession, relation: string): Promise<'table' | 'view' | undefined> {
  const { schema, name } = splitRelation(relation);
  const result = await db.query('SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [schema, name]);
  const type = result.rows[0]?.table_type;
  return type === undefined ? undefined : type === 'VIEW' ? 'view' : 'table';
}

/**
 * Replaces `relation` with the rows of `select`, written as a new version of the lake prefix `prefix`.
 * Returns the rows written. Until the lake's pointer switches, readers of the lake see the previous version.
 */
export async function replaceTable(db: EngineSession, lake: Lake, relation: string, prefix: string, select: string): Promise<number> {
  const { schema, name } = splitRelation(relation);
  const stage = rel(schema, `__medallion_stage_${name}`);
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  await db.exec(`DROP TABLE IF EXISTS ${stage}`);
  let rows = 0;
  let written = '';
  const write = async (url: string): Promise<void> => {
    written = url;
    rows = await db.exec(`CREATE TABLE ${stage} WITH (format = 'PARQUET', external_location = ${literal(url)}) AS ${select}`);
  };
  // Once the lake's pointer names the new version, and before the old one's files are retired, the
  // relation follows it and the stage entry goes (dropping an external table keeps its files).
  const switched = async (): Promise<void> => {
    await pointRelation(db, relation, `LIKE ${stage}`, written);
    await db.exec(`DROP TABLE ${stage}`);
  };
  await s3LakeOf(lake).publishWritten(prefix, write, switched);
  return rows;
}

/**
 * (Re)creates `relation` as an external Parquet table with `columns` (a column list, or `LIKE other`)
 * over the folder `url`: metadata only. The file metastore on S3 cannot rename or re-point a table, so
 * the old entry is dropped first.
 */
export async function pointRelation(db: EngineSession, relation: string, columns: string, url: string): Promise<void> {
  const existing = await relationKind(db, relation);
  if (existing) await db.exec(`DROP ${existing === 'view' ? 'VIEW' : 'TABLE'} ${relation}`);
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(splitRelation(relation).schema)}`);
  await db.exec(`CREATE TABLE ${relation} (${columns}) WITH (format = 'PARQUET', external_location = ${literal(url)})`);
}

/**
 * DuckDB's type of a Parquet column as Trino's Hive connector reads it: timestamps with a zone are UTC
 * instants, and timestamps are read at the catalog's precision (milliseconds, Hive's default).
 */
export function trinoTypeOf(duckdb: string, column: string): string {
  const t = duckdb.toUpperCase();
  const simple: Record<string, string> = { VARCHAR: 'varchar', BOOLEAN: 'boolean', TINYINT: 'tinyint', SMALLINT: 'smallint', INTEGER: 'integer', BIGINT: 'bigint', HUGEINT: 'decimal(38,0)', FLOAT: 'real', DOUBLE: 'double', DATE: 'date', TIMESTAMP: 'timestamp(3)', 'TIMESTAMP WITH TIME ZONE': 'timestamp(3)', BLOB: 'varbinary' };
  if (simple[t]) return simple[t];
  if (/^DECIMAL\(\d+,\s*\d+\)$/.test(t)) return t.toLowerCase();
  throw new Error(`The column ${column} is ${duckdb} in the lake's Parquet, which Trino's Hive tables do not read yet`);
}
