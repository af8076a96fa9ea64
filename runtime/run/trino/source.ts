// Loads a pipeline.yml source on Trino: the bronze files (JSON lines, CSV, Parquet; readers.ts) are read in
// place through an external table, typed through the raw contract, and records that fail go to _rejected/
// with a reason, as on DuckDB (read = accepted + rejected + duplicates).
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { EngineSession } from '../../engine/adapter.js';
import { ident, literal, splitRelation } from '../../engine/sql.js';
import type { Lake } from '../../lake/lake.js';
import type { ColumnSpec, LakeConfig, SourceTable } from '../../project/types.js';
import type { SourceLoad } from '../bronze.js';
import { matchingObjects, SourceError } from '../bronze.js';
import { writeDeadLetters } from '../deadLetters.js';
import { readerFor, sourceFiles } from './readers.js';
import { relationKind, replaceTable } from './table.js';

export interface TrinoLoadOptions {
  lakeConfig: LakeConfig;
  tempDir: string;
  /** Reload even when nothing changed (--full-refresh). */
  force?: boolean;
}

/** What a load remembers in the lake, so an unchanged source (same files, same contract) is not read again. */
interface LoadState {
  fingerprint: string;
  load: SourceLoad;
}

/** The s3:// URL Trino reads a lake key at. */
export function lakeUrl(lake: LakeConfig, key: string): string {
  if (lake.kind !== 's3') throw new Error('A Trino target reads and writes an S3 lake');
  const root = lake.prefix.replace(/^\/+|\/+$/g, '');
  return `s3://${lake.bucket}/${root ? `${root}/` : ''}${key}`;
}

export async function loadSourceOnTrino(db: EngineSession, lake: Lake, source: SourceTable, options: TrinoLoadOptions): Promise<SourceLoad> {
  if (source.columns.length === 0) throw new SourceError(`The source ${source.source}.${source.table} needs declared columns to load on Trino`, source.location);
  const { schema, name } = splitRelation(source.relation);
  const objects = await matchingObjects(lake, source.path ?? '');
  const fingerprint = createHash('sha256').update(JSON.stringify([source.format, source.columns.map((c) => [c.name, c.dataType, c.required]), source.dedupeOn, source.options, objects.map((o) => [o.key, o.etag])])).digest('hex');
  const stateKey = `_trino/loads/${schema}.${name}.json`;
  const previous = options.force ? undefined : await lake.get(stateKey);
  if (previous && (await relationKind(db, source.relation)) === 'table') {
    const state = JSON.parse(previous.toString('utf8')) as LoadState;
    if (state.fingerprint === fingerprint) return { ...state.load, rejectedKeys: [], unchanged: true, warnings: [] };
  }
  const root = lakeUrl(options.lakeConfig, '');
  const files = sourceFiles(source.path ?? '', objects);
  const reader = await readerFor(lake, source, objects);
  const raw = `"_medallion"."raw_${schema}_${name}"`;
  const stage = `"_medallion"."stage_${schema}_${name}"`;
  for (const table of [raw, stage]) await db.exec(`DROP TABLE IF EXISTS ${table}`);
  await db.exec(`CREATE TABLE ${raw} (${reader.columns}) WITH (${reader.properties}, external_location = ${literal(lakeUrl(options.lakeConfig, files.folder))})`);
  const matches = `regexp_like(substr("$path", ${root.length + 1}), ${literal(files.pattern)})`;
  const typed = source.columns.map((c) => `${typedExpr(c)} AS ${ident(c.name)}`);
  const reasons = source.columns.map((c) => reasonExpr(c, reader.shown(c)));
  const checked = `SELECT __file, __record, ${typed.join(', ')}, coalesce(__bad, nullif(concat_ws('; ', ${reasons.join(', ')}), '')) AS __reason FROM (${reader.select(raw, matches)}) vals`;
  // One pass over the files (parsing is the cost): typed rows with their reason, the original record
  // kept only for rejected ones. Counts, dedupe and dead letters then read this table.
  await db.exec(`CREATE TABLE ${stage} AS SELECT __file, ${source.columns.map((c) => ident(c.name)).join(', ')}, __reason, CASE WHEN __reason IS NOT NULL THEN __record END AS __line FROM (${checked})`);
  try {
    const load = await finishLoad(db, lake, source, stage, root, options.tempDir);
    await lake.put(stateKey, JSON.stringify({ fingerprint, load } satisfies LoadState));
    return load;
  } finally {
    for (const table of [raw, stage]) await db.exec(`DROP TABLE IF EXISTS ${table}`);
  }
}

/** From the staged rows: the source's table (deduplicated), its dead letters and what the load counted. */
async function finishLoad(db: EngineSession, lake: Lake, source: SourceTable, staged: string, root: string, tempDir: string): Promise<SourceLoad> {
  const { schema, name } = splitRelation(source.relation);
  const counts = (await db.query(`SELECT count(DISTINCT __file) AS files, count(*) FILTER (WHERE __reason IS NULL) AS ok, count(*) FILTER (WHERE __reason IS NOT NULL) AS bad FROM ${staged}`)).rows[0];
  const [files, ok, rejected] = [Number(counts.files), Number(counts.ok), Number(counts.bad)];
  const keys = source.dedupeOn.map(ident).join(', ');
  const keep = source.columns.map((c) => ident(c.name)).join(', ');
  const accepted = keys
    ? `SELECT ${keep} FROM (SELECT *, row_number() OVER (PARTITION BY ${keys} ORDER BY __file) AS __n FROM ${staged} WHERE __reason IS NULL) WHERE __n = 1`
    : `SELECT ${keep} FROM ${staged} WHERE __reason IS NULL`;
  const stored = await replaceTable(db, lake, source.relation, `_trino/tables/${schema}/${name}`, accepted);
  const rejectedKeys = rejected > 0 ? await deadLetters(db, lake, source, staged, root, tempDir) : [];
  const warnings = files === 0 ? [`no files in the lake match ${source.path}`] : [];
  return { relation: source.relation, files, read: ok + rejected, accepted: stored, rejected, duplicates: ok - stored, rejectedKeys, unchanged: false, warnings };
}

/** The rejected records, one dead-letter object per source file (deadLetters.ts, as on DuckDB). */
async function deadLetters(db: EngineSession, lake: Lake, source: SourceTable, staged: string, root: string, tempDir: string): Promise<string[]> {
  const rows = await db.query(`SELECT substr(__file, ${root.length + 1}) AS file, __reason AS reason, __line AS record FROM ${staged} WHERE __reason IS NOT NULL ORDER BY 1, 2, 3`);
  const name = `${source.source}.${source.table}`;
  const out = path.join(tempDir, `rejected-${source.source}-${source.table}.jsonl`);
  await fsp.mkdir(tempDir, { recursive: true });
  await fsp.writeFile(out, rows.rows.map((r) => JSON.stringify({ source: name, file: r.file, path: '', line: null, offset: null, encoding: false, reason: r.reason, record: r.record }) + '\n').join(''));
  try {
    return await writeDeadLetters(lake, `_rejected/${source.source === 'bronze' ? source.table : name}/`, out, tempDir);
  } finally {
    await fsp.rm(out, { force: true });
  }
}

/** The declared type in Trino's words; Hive tables have no time zone type, so timestamptz is stored as UTC. */
function trinoType(declared: string | undefined): string {
  const t = (declared ?? 'varchar').trim().toLowerCase();
  const aliases: Record<string, string> = { text: 'varchar', string: 'varchar', int: 'integer', int4: 'integer', int8: 'bigint', long: 'bigint', float8: 'double', float: 'real', float4: 'real', bool: 'boolean', timestamptz: 'timestamp(3)', 'timestamp with time zone': 'timestamp(3)', timestamp: 'timestamp(3)' };
  return aliases[t] ?? t;
}

function typedExpr(c: ColumnSpec): string {
  const v = ident(`r_${c.name}`);
  const declared = (c.dataType ?? 'varchar').trim().toLowerCase();
  // ISO 8601 ('…T…Z', JSON's usual form), else SQL's form with an optional zone ('2026-01-02 09:30:00+01:00'), held as UTC.
  if (declared === 'timestamptz' || declared === 'timestamp with time zone') return `CAST(coalesce(try(from_iso8601_timestamp(${v})), try_cast(${v} AS timestamp(3) with time zone)) AT TIME ZONE 'UTC' AS timestamp(3))`;
  if (declared === 'timestamp') return `try_cast(replace(${v}, 'T', ' ') AS timestamp(3))`;
  return `try_cast(${v} AS ${trinoType(c.dataType)})`;
}

/** Why a column makes the record fail, or NULL; `shown` is the value as the reason prints it. */
function reasonExpr(c: ColumnSpec, shown: string): string {
  const v = ident(`r_${c.name}`);
  const castFail = `WHEN ${v} IS NOT NULL THEN ${literal(`${c.name}: cannot cast `)} || ${shown} || ${literal(` to ${c.dataType ?? 'VARCHAR'}`)}`;
  const missing = c.required ? ` ELSE ${literal(`${c.name}: required field is missing`)}` : '';
  return `CASE WHEN ${typedExpr(c)} IS NULL THEN CASE ${castFail}${missing} END END`;
}
