// Materializations: view, table, incremental (merge, append, delete+insert) and external (externalModel.ts). A table is built into a
// staging table, checked (contract, constraints) and published before it replaces the old one; an
// incremental change happens in one transaction that is rolled back on any failure.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { ColumnInfo, EngineSession } from '../engine/adapter.js';
import { ident, literal, relation as rel, splitRelation } from '../engine/sql.js';
import type { Lake } from '../lake/lake.js';
import type { ColumnConstraint, CompiledNode, ModelConfig, ModelNode } from '../project/types.js';
import { compareContract, formatContractError } from './contracts.js';
import { materializeExternal, type ExternalTarget } from './externalModel.js';

export interface MaterializeContext {
  db: EngineSession;
  lake: Lake;
  /** A scratch folder for Parquet before it is published to the lake. */
  tempDir: string;
  /** Where `materialized='external'` models write their files. */
  external?: ExternalTarget;
  /** Statements run last inside the transaction that publishes the model (dbt's in-transaction post-hooks). */
  inTransaction?: () => Promise<void>;
}

export interface MaterializeResult {
  /** Rows in a new table, or rows inserted/updated by an incremental run; undefined for a view. */
  rows?: number;
  /** A short description: 'table', 'incremental (merge)', 'view'. */
  message: string;
  /** The lake prefix the Parquet copy was published to. */
  published?: string;
}

/** A failure the user fixes in their project: shown without a stack trace. */
export class ModelError extends Error {
  constructor(message: string, readonly code: string, readonly compiledOffset?: number) {
    super(message);
    this.name = 'ModelError';
  }
}

/** 'table' | 'view' for an existing relation, undefined when there is none. */
export async function relationKind(db: EngineSession, relation: string): Promise<'table' | 'view' | undefined> {
  const { schema, name } = splitRelation(relation);
  const result = await db.query('SELECT table_type FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ?', [schema, name]);
  const type = result.rows[0]?.table_type;
  return type === undefined ? undefined : type === 'VIEW' ? 'view' : 'table';
}

/** Whether is_incremental() is true: an incremental model whose target table exists, unless full refresh. */
export async function isIncrementalRun(db: EngineSession, model: ModelNode, config: ModelConfig, fullRefresh: boolean): Promise<boolean> {
  return config.materialized === 'incremental' && !fullRefresh && (await relationKind(db, model.relation)) === 'table';
}

export async function materialize(ctx: MaterializeContext, model: ModelNode, compiled: CompiledNode, incremental: boolean): Promise<MaterializeResult> {
  const config = compiled.config ?? model.config;
  const { db } = ctx;
  const sql = stripTrailing(compiled.sql);
  // Binding first: SQL errors point into the compiled SQL as written, and the contract is checked
  // before anything runs.
  const columns = await bind(db, sql);
  const select = selectUnderContract(model, config, columns, sql);
  const { schema, name } = splitRelation(model.relation);
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  const existing = await relationKind(db, model.relation);

  if (config.materialized === 'view') {
    await transaction(db, async () => {
      if (existing === 'table') await db.exec(`DROP TABLE ${model.relation}`);
      await db.exec(`CREATE OR REPLACE VIEW ${model.relation} AS ${select}`);
      await ctx.inTransaction?.();
    });
    return { message: 'view' };
  }

  if (config.materialized === 'external') {
    if (!ctx.external) throw new ModelError("materialized='external' is not available here", 'config');
    const written = await materializeExternal(db, model, config, select, ctx.external, existing);
    return { rows: written.rows, message: `external (${written.location})` };
  }

  const layer = model.layer ?? config.layer;
  const prefix = layer && layer !== 'bronze' ? `${layer}/${model.name}` : undefined;

  if (config.materialized === 'incremental' && incremental && existing === 'table') {
    const strategy = config.incrementalStrategy ?? (config.uniqueKey?.length ? 'delete+insert' : 'append');
    const staged = ident(`__medallion_new_${name}`);
    let rows = 0;
    await transaction(db, async () => {
      await db.exec(`CREATE OR REPLACE TEMP TABLE ${staged} AS ${select}`);
      rows = await count(db, staged);
      await applyIncremental(db, model.relation, staged, strategy, config.uniqueKey ?? []);
      await checkConstraints(db, model, model.relation);
      if (prefix) await publishParquet(ctx, model.relation, prefix, config.partitionBy);
      await db.exec(`DROP TABLE ${staged}`);
      await ctx.inTransaction?.();
    });
    return { rows, message: `incremental (${strategy})`, published: prefix };
  }

  // table, or the first (or full-refresh) run of an incremental model: build aside, check, publish,
  // then swap in a short transaction. Until the swap the old table is untouched; any failure drops
  // the staging table. (Building inside the transaction would keep a large write uncommitted.)
  const stage = rel(schema, `__medallion_stage_${name}`);
  let rows = 0;
  await db.exec(`DROP TABLE IF EXISTS ${stage}`);
  try {
    await db.exec(`CREATE TABLE ${stage} AS ${select}`);
    rows = await count(db, stage);
    await checkConstraints(db, model, stage);
    if (prefix) await publishParquet(ctx, stage, prefix, config.partitionBy);
    await transaction(db, async () => {
      if (existing === 'view') await db.exec(`DROP VIEW ${model.relation}`);
      if (existing === 'table') await db.exec(`DROP TABLE ${model.relation}`);
      await db.exec(`ALTER TABLE ${stage} RENAME TO ${ident(name)}`);
      await ctx.inTransaction?.();
    });
  } catch (err) {
    await db.exec(`DROP TABLE IF EXISTS ${stage}`).catch(() => undefined);
    throw err;
  }
  return { rows, message: config.materialized === 'incremental' ? 'incremental (full build)' : 'table', published: prefix };
}

/** Output columns of the compiled SQL; a parse or binder error becomes a ModelError with its offset. */
export async function bind(db: EngineSession, sql: string): Promise<ColumnInfo[]> {
  try {
    return await db.describe(sql);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ModelError(message, 'sql', errorOffset(sql, message));
  }
}

async function applyIncremental(db: EngineSession, target: string, staged: string, strategy: string, keys: string[]): Promise<void> {
  if (strategy === 'append') {
    await db.exec(`INSERT INTO ${target} BY NAME SELECT * FROM ${staged}`);
    return;
  }
  if (keys.length === 0) throw new ModelError(`The incremental strategy ${strategy} needs a unique_key.`, 'config');
  const on = keys.map((k) => `t.${ident(k)} IS NOT DISTINCT FROM s.${ident(k)}`).join(' AND ');
  if (strategy === 'delete+insert') {
    await db.exec(`DELETE FROM ${target} t WHERE EXISTS (SELECT 1 FROM ${staged} s WHERE ${on}); INSERT INTO ${target} BY NAME SELECT * FROM ${staged}`);
    return;
  }
  // merge: update the matched rows' columns that the new rows carry, insert the rest.
  const targetCols = new Set((await db.describe(`SELECT * FROM ${target}`)).map((c) => c.name.toLowerCase()));
  const sets = (await db.describe(`SELECT * FROM ${staged}`))
    .map((c) => c.name)
    .filter((c) => targetCols.has(c.toLowerCase()) && !keys.some((k) => k.toLowerCase() === c.toLowerCase()));
  const update = sets.length ? `WHEN MATCHED THEN UPDATE SET ${sets.map((c) => `${ident(c)} = s.${ident(c)}`).join(', ')} ` : '';
  await db.exec(`MERGE INTO ${target} t USING ${staged} s ON (${on}) ${update}WHEN NOT MATCHED THEN INSERT BY NAME`);
}

/** not_null, unique, primary_key and check constraints of the contract, run as queries on the staged rows. */
async function checkConstraints(db: EngineSession, model: ModelNode, relation: string): Promise<void> {
  const spec = model.spec;
  if (!spec || !(model.config.contractEnforced || spec.contractEnforced)) return;
  const failures: string[] = [];
  const check = async (label: string, sql: string): Promise<void> => {
    const n = Number((await db.query(sql)).rows[0].n);
    if (n > 0) failures.push(`${label}: ${n} row${n === 1 ? '' : 's'}`);
  };
  const each = async (column: string | undefined, c: ColumnConstraint): Promise<void> => {
    const col = column ? ident(column) : undefined;
    if (col && (c.type === 'not_null' || c.type === 'primary_key')) {
      await check(`${c.type} on ${column}`, `SELECT count(*) AS n FROM ${relation} WHERE ${col} IS NULL`);
    }
    if (col && (c.type === 'unique' || c.type === 'primary_key')) {
      await check(`${c.type} on ${column} (duplicate values)`, `SELECT count(*) AS n FROM (SELECT ${col} FROM ${relation} WHERE ${col} IS NOT NULL GROUP BY ${col} HAVING count(*) > 1)`);
    }
    if (c.type === 'check' && c.expression) {
      await check(`check (${c.expression})${column ? ` on ${column}` : ''}`, `SELECT count(*) AS n FROM ${relation} WHERE NOT coalesce((${c.expression}), true)`);
    }
  };
  for (const column of spec.columns) for (const c of column.constraints) await each(column.name, c);
  for (const c of spec.constraints) await each(undefined, c);
  if (failures.length) throw new ModelError(`The model ${model.name} violates its constraints:\n  ${failures.join('\n  ')}`, 'constraint');
}

/** Writes the relation as zstd Parquet into scratch, then publishes it to <layer>/<model>/ in the lake. */
async function publishParquet(ctx: MaterializeContext, relation: string, prefix: string, partitionBy?: string[]): Promise<void> {
  const dir = path.join(ctx.tempDir, 'parquet', prefix);
  await fsp.rm(dir, { recursive: true, force: true });
  await fsp.mkdir(dir, { recursive: true });
  if (partitionBy?.length) {
    await ctx.db.exec(`COPY ${relation} TO ${literal(dir)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${partitionBy.map(ident).join(', ')}), OVERWRITE_OR_IGNORE)`);
  } else {
    await ctx.db.exec(`COPY ${relation} TO ${literal(path.join(dir, 'data_0.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);
  }
  await ctx.lake.publishDirectory(dir, prefix);
  await fsp.rm(dir, { recursive: true, force: true });
}

/** Runs `body` in a transaction; on any error rolls back, so the previous version stays. */
export async function transaction(db: EngineSession, body: () => Promise<void>): Promise<void> {
  await db.exec('BEGIN TRANSACTION');
  try {
    await body();
    await db.exec('COMMIT');
  } catch (err) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function count(db: EngineSession, relation: string): Promise<number> {
  return Number((await db.query(`SELECT count(*) AS n FROM ${relation}`)).rows[0].n);
}

/** Trailing semicolons would break the statement the SQL is wrapped in. */
export function stripTrailing(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/**
 * The compiled-SQL offset of a DuckDB parser/binder error, from its "LINE n: <excerpt>" and caret
 * lines. DuckDB shows a window of the line, so the excerpt is located within that line.
 */
export function errorOffset(sql: string, message: string): number | undefined {
  const m = /LINE (\d+): ?(.*)\n(\s*)\^/.exec(message);
  if (!m) return undefined;
  const lines = sql.split('\n');
  const lineIndex = Number(m[1]) - 1;
  if (lineIndex < 0 || lineIndex >= lines.length) return undefined;
  const prefixLength = `LINE ${m[1]}: `.length;
  const caret = m[3].length - prefixLength;
  const excerpt = m[2].replace(/^\.\.\./, '').replace(/\.\.\.$/, '');
  const skippedDots = m[2].startsWith('...') ? 3 : 0;
  const at = lines[lineIndex].indexOf(excerpt.slice(0, Math.max(1, Math.min(excerpt.length, 20))));
  const column = Math.max(0, (at >= 0 ? at : 0) + caret - skippedDots);
  let offset = 0;
  for (let i = 0; i < lineIndex; i++) offset += lines[i].length + 1;
  return offset + Math.min(column, lines[lineIndex].length);
}

/**
 * The model's rows as they are written: checked against an enforced contract first (a mismatch is a
 * ModelError), then in the contract's order and with its declared names.
 */
export function selectUnderContract(model: ModelNode, config: ModelConfig, columns: ColumnInfo[], sql: string): string {
  const contract = config.contractEnforced && model.spec ? model.spec.columns : undefined;
  if (!contract) return `SELECT * FROM (\n${sql}\n)`;
  const mismatches = compareContract(columns, contract);
  if (mismatches.length) throw new ModelError(formatContractError(model.name, mismatches), 'contract');
  return `SELECT ${contract.map((c) => `${ident(columns.find((x) => x.name.toLowerCase() === c.name.toLowerCase())!.name)} AS ${ident(c.name)}`).join(', ')} FROM (\n${sql}\n)`;
}
