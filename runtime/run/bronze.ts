// Loads a pipeline.yml source (files in the lake) into "bronze"."<table>" through its raw contract:
// every record is read as text, cast per column, and records that fail go to _rejected/ with a reason.
import { promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { EngineSession } from '../engine/adapter.js';
import { ident, literal, literalList, splitRelation } from '../engine/sql.js';
import type { Lake, LakeObject } from '../lake/lake.js';
import type { ColumnSpec, Location, SourceTable } from '../project/types.js';
import { csvDialect } from './csvDialect.js';
import { writeDeadLetters } from './deadLetters.js';

/** What one load did. Invariant: read = accepted + rejected + duplicates. */
export interface SourceLoad {
  relation: string;
  files: number;
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  /** The lake keys of this load's dead letters (one object per source file with rejected records). */
  rejectedKeys: string[];
  /** True when the files and the contract were unchanged since the last load, so nothing was read. */
  unchanged: boolean;
  warnings: string[];
}

export interface LoadOptions {
  runId: string;
  /** A scratch folder for the dead-letter file before it is put in the lake. */
  tempDir: string;
  /** Reload even when nothing changed (--full-refresh). */
  force?: boolean;
}

/** One row per bronze relation: its last load's fingerprint, counts and when it landed (freshness reads it). */
export const LOAD_STATE = '"_medallion"."source_loads"';
const STATE = LOAD_STATE;

/** A problem in the source's declaration, reported at its place in pipeline.yml rather than as SQL. */
export class SourceError extends Error {
  constructor(message: string, readonly location: Location) {
    super(message);
    this.name = 'SourceError';
  }
}

/** Rows of a lake file as the loader sees them, before the contract. */
interface Reader {
  /** FROM clause item aliased `src`, with a `__file` column. */
  from: string;
  /** Per declared column: the raw value (text or the file's own type) or NULL when absent. */
  raw: (column: ColumnSpec) => string;
  /** JSON only: the parsed, typed struct of the record, or NULL for a malformed one. */
  typed?: string;
  /** JSON only: true for a file whose bytes are not UTF-8 (an array file, read whole). */
  undecodable?: string;
  /** A hive partition value standing in for a column the record itself lacks. */
  fromHive: (column: ColumnSpec) => string | undefined;
  /** The original record, for the dead-letter file. */
  record: string;
  /** The rejects tables read_csv fills with the lines it could not parse (CSV, and JSON lines). */
  rejects?: { table: string; scan: string };
}

export async function loadSource(db: EngineSession, lake: Lake, source: SourceTable, options: LoadOptions): Promise<SourceLoad> {
  const objects = await matchingObjects(lake, source.path ?? '');
  const { schema, name } = splitRelation(source.relation);
  const fingerprint = hash(JSON.stringify([source.format, source.columns.map((c) => [c.name, c.dataType, c.required]), source.dedupeOn, source.options, objects.map((o) => [o.key, o.etag])]));
  await ensureLoadState(db);
  if (!options.force) {
    const previous = await db.query(`SELECT * FROM ${STATE} WHERE relation = ? AND fingerprint = ? AND EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?)`, [source.relation, fingerprint, schema, name]);
    const row = previous.rows[0];
    if (row) {
      return { relation: source.relation, files: objects.length, read: Number(row.read), accepted: Number(row.accepted), rejected: Number(row.rejected), duplicates: Number(row.duplicates), rejectedKeys: [], unchanged: true, warnings: [] };
    }
  }

  await checkTypes(db, source.columns);
  const warnings: string[] = [];
  const columns = source.columns;
  const defs = columns.map((c) => `${ident(c.name)} ${c.dataType ?? 'VARCHAR'}`).join(', ');
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  if (objects.length === 0) {
    warnings.push(`no files in the lake match ${source.path}`);
    if (columns.length === 0) throw new Error(`The source ${source.source}.${source.table} has no files matching ${source.path} and no declared columns.`);
    await db.exec(`CREATE OR REPLACE TABLE ${source.relation} (${defs})`);
    await saveState(db, source.relation, fingerprint, [0, 0, 0, 0, 0]);
    return { relation: source.relation, files: 0, read: 0, accepted: 0, rejected: 0, duplicates: 0, rejectedKeys: [], unchanged: false, warnings };
  }

  const files = await Promise.all(objects.map((o) => lake.localPath(o)));
  const fileKeys = new Map(files.map((f, i) => [f, objects[i].key]));
  const tag = hash(source.relation + options.runId).slice(0, 8);
  const staged = `"__load_${tag}"`;
  const reader = await openReader(db, source, files, tag);

  // One pass over the files: the typed columns, the reason a record is rejected, and the original
  // text only for rejected records (keeping every raw line would double the memory).
  const l1 = `SELECT *${reader.typed ? `, ${reader.typed} AS __t` : ''} FROM ${reader.from}`;
  const reasons = columns.map((c) => reasonExpr(reader, c));
  // The per-column checks read the raw JSON, so they must only run on records that parsed.
  const columnReasons = `nullif(concat_ws('; ', ${reasons.join(', ') || 'NULL'}), '')`;
  const reason = reader.typed ? `CASE WHEN ${reader.undecodable} THEN 'not UTF-8 text' WHEN __t IS NULL THEN 'malformed JSON' ELSE ${columnReasons} END` : columnReasons;
  const l2 = `SELECT src.*, ${reason} AS __reason FROM (${l1}) src`;
  const typedCols = columns.map((c) => `${typedExpr(reader, c)} AS ${ident(c.name)}`);
  const body = columns.length ? typedCols.join(', ') : `* EXCLUDE (__file, __reason)`;
  await db.exec(`CREATE OR REPLACE TEMP TABLE ${staged} AS SELECT __file, ${body}, __reason, CASE WHEN __reason IS NOT NULL THEN ${reader.record} END AS __record FROM (${l2}) src`);

  if (!columns.length) await checkDedupe(db, source, staged);
  const counts = await db.query(`SELECT count(*) FILTER (WHERE __reason IS NULL) AS ok, count(*) FILTER (WHERE __reason IS NOT NULL) AS bad FROM ${staged}`);
  const parseErrors = reader.rejects ? Number((await db.query(`SELECT count(DISTINCT (scan_id, file_id, line)) AS n FROM ${reader.rejects.table}`)).rows[0].n) : 0;
  const ok = Number(counts.rows[0].ok);
  const rejected = Number(counts.rows[0].bad) + parseErrors;

  const keep = columns.length ? columns.map((c) => ident(c.name)).join(', ') : '* EXCLUDE (__file, __reason, __record)';
  const dedupe = source.dedupeOn.length ? ` QUALIFY row_number() OVER (PARTITION BY ${source.dedupeOn.map(ident).join(', ')} ORDER BY __file) = 1` : '';
  // One statement, so the previous table stays until the new one is complete.
  await db.exec(`CREATE OR REPLACE TABLE ${source.relation} AS SELECT ${keep} FROM ${staged} WHERE __reason IS NULL${dedupe}`);
  const accepted = Number((await db.query(`SELECT count(*) AS n FROM ${source.relation}`)).rows[0].n);

  const rejectedKeys = rejected > 0 ? await writeRejects(db, lake, source, staged, reader, fileKeys, options.tempDir) : [];
  await db.exec(`DROP TABLE IF EXISTS ${staged}`);
  if (reader.rejects) await db.exec(`DROP TABLE IF EXISTS ${reader.rejects.table}; DROP TABLE IF EXISTS ${reader.rejects.scan}`);
  const read = ok + rejected;
  await saveState(db, source.relation, fingerprint, [objects.length, read, accepted, rejected, ok - accepted]);
  return { relation: source.relation, files: objects.length, read, accepted, rejected, duplicates: ok - accepted, rejectedKeys, unchanged: false, warnings };
}

/** Each declared type must be one DuckDB knows; one statement checks them all, one per column finds the culprit. */
async function checkTypes(db: EngineSession, columns: ColumnSpec[]): Promise<void> {
  const typed = columns.filter((c) => c.dataType);
  const fails = (cs: ColumnSpec[]): Promise<boolean> => db.describe(`SELECT ${cs.map((c) => `CAST(NULL AS ${c.dataType})`).join(', ')}`).then(() => false, () => true);
  if (!typed.length || !(await fails(typed))) return;
  for (const c of typed) {
    if (await fails([c])) throw new SourceError(`column ${c.name}: '${c.dataType}' is not a DuckDB type (such as varchar, integer, decimal(10,2), timestamptz)`, c.location);
  }
}

/** Without declared columns, dedupe_on can only be checked against the columns the files have. */
async function checkDedupe(db: EngineSession, source: SourceTable, staged: string): Promise<void> {
  const have = (await db.describe(`SELECT * FROM ${staged}`)).map((c) => c.name);
  const unknown = source.dedupeOn.filter((n) => !have.includes(n));
  if (unknown.length) throw new SourceError(`dedupe_on names ${unknown.map((n) => `'${n}'`).join(', ')}, not a column of the files of ${source.table} (${have.filter((n) => !n.startsWith('__')).join(', ')})`, source.location);
}

/**
 * The query whose output columns a source without declared columns is loaded with: its files read as
 * the load reads them (the editor describes it; nothing is loaded).
 */
export async function undeclaredColumnsQuery(db: EngineSession, source: SourceTable, files: string[]): Promise<string> {
  const reader = await openReader(db, source, files, 'describe');
  return `SELECT * EXCLUDE (__file) FROM ${reader.from}`;
}

/** The table remembering each source's last load, so an unchanged source is not read again. */
export async function ensureLoadState(db: EngineSession): Promise<void> {
  await db.exec(`CREATE SCHEMA IF NOT EXISTS "_medallion"; CREATE TABLE IF NOT EXISTS ${STATE} (relation VARCHAR PRIMARY KEY, fingerprint VARCHAR, files BIGINT, "read" BIGINT, accepted BIGINT, rejected BIGINT, duplicates BIGINT); ALTER TABLE ${STATE} ADD COLUMN IF NOT EXISTS loaded_at TIMESTAMPTZ`);
}

/** Lake objects matching the source's path: a glob, a file, or a folder (everything under it). */
export async function matchingObjects(lake: Pick<Lake, 'list'>, pattern: string): Promise<LakeObject[]> {
  const clean = pattern.replace(/^\.?\//, '');
  const firstGlob = clean.search(/[*?[{]/);
  if (firstGlob < 0) {
    const objects = await lake.list(clean);
    return objects.filter((o) => o.key === clean || o.key.startsWith(clean.replace(/\/?$/, '/')));
  }
  const prefix = clean.slice(0, clean.lastIndexOf('/', firstGlob) + 1);
  const isMatch = picomatch(clean);
  return (await lake.list(prefix)).filter((o) => isMatch(o.key));
}

/** Hive partition keys (year=2026/…) present in every file path. */
function hiveKeys(files: string[]): Set<string> {
  const sets = files.map((f) => new Set([...f.matchAll(/\/([^/=]+)=[^/]*(?=\/)/g)].map((m) => m[1])));
  return new Set([...(sets[0] ?? [])].filter((k) => sets.every((s) => s.has(k))));
}

async function openReader(db: EngineSession, source: SourceTable, files: string[], tag: string): Promise<Reader> {
  const list = literalList(files);
  const hive = hiveKeys(files);
  const hiveOpts = hive.size ? ', hive_partitioning = true, hive_types_autocast = false' : ', hive_partitioning = false';
  const fromHive = (c: ColumnSpec): string | undefined => (hive.has(c.name) ? `src.${ident(c.name)}` : undefined);
  const opts = source.options;
  const rejects = { table: `"__rejects_${tag}"`, scan: `"__rejects_scan_${tag}"` };
  const storeRejects = `store_rejects = true, rejects_table = '${rejects.table.slice(1, -1)}', rejects_scan = '${rejects.scan.slice(1, -1)}'`;
  await db.exec(`DROP TABLE IF EXISTS ${rejects.table}; DROP TABLE IF EXISTS ${rejects.scan}`);

  if (source.format === 'json' || source.format === undefined) {
    if (source.columns.length === 0) {
      return { from: `read_json(${list}, filename = '__file'${hiveOpts}) src`, raw: () => 'NULL', record: 'NULL', fromHive };
    }
    // Each record as text: NDJSON files line by line (a CSV read with no quoting and a delimiter that
    // valid JSON never contains; a line that is not UTF-8 or is over 16 MiB goes to the rejects
    // table), JSON array files element by element (a file that is not UTF-8 is one rejected record).
    const arrays: string[] = [];
    const lines: string[] = [];
    for (const file of files) ((await jsonKind(file, opts)) === 'array' ? arrays : lines).push(file);
    const parts: string[] = [];
    const hiveCols = [...hive].map((k) => `, ${ident(k)}`).join('');
    if (lines.length) {
      parts.push(`SELECT __raw, false AS __undecodable, __file${hiveCols} FROM read_csv(${literalList(lines)}, columns = {'__raw': 'VARCHAR'}, header = false, delim = '\\x01', quote = '', escape = '', auto_detect = false, strict_mode = false, max_line_size = 16777216, filename = '__file', ${storeRejects}${hiveOpts}) WHERE trim(__raw) <> ''`);
    }
    if (arrays.length) {
      const text = `(SELECT coalesce(try(decode(content)), content::VARCHAR) AS content, try(decode(content)) IS NULL AS undecodable, filename FROM read_blob(${literalList(arrays)}))`;
      parts.push(`SELECT unnest(CASE WHEN NOT undecodable AND json_valid(content) AND json_type(content) = 'ARRAY' THEN json_extract(content, '$[*]')::VARCHAR[] ELSE [content] END) AS __raw, undecodable AS __undecodable, filename AS __file${[...hive].map((k) => `, regexp_extract(filename, '/${k}=([^/]*)/', 1) AS ${ident(k)}`).join('')} FROM ${text}`);
    }
    const structure = literal(JSON.stringify(Object.fromEntries(source.columns.map((c) => [c.name, c.dataType ?? 'VARCHAR']))));
    return {
      from: `(${parts.join(' UNION ALL ')}) src`,
      typed: `try(json_transform(src.__raw, ${structure}))`,
      undecodable: 'src.__undecodable',
      raw: (c) => `json_extract(src.__raw, ${literal(jsonPath(c.name))})`,
      record: 'src.__raw',
      fromHive,
      rejects: lines.length ? rejects : undefined,
    };
  }

  if (source.format === 'csv') {
    const d = await csvDialect(files[0], opts);
    const names = d.names.length ? d.names : source.columns.map((c) => c.name);
    const columns = `{${names.map((n) => `${literal(n)}: 'VARCHAR'`).join(', ')}}`;
    const padding = opts.null_padding === undefined ? '' : `, null_padding = ${Boolean(opts.null_padding)}`;
    const from = `read_csv(${list}, auto_detect = false, columns = ${columns}, header = ${d.header}, skip = ${d.skip}, delim = ${literal(d.delim)}, quote = ${literal(d.quote)}, escape = ${literal(d.escape)}${padding}, max_line_size = 16777216, filename = '__file', ${storeRejects}${hiveOpts}) src`;
    return fileReader(from, new Set(names), fromHive, rejects);
  }

  const from = `read_parquet(${list}, union_by_name = true, filename = '__file'${hiveOpts}) src`;
  const present = new Set((await db.describe(`SELECT * FROM ${from.replace(/ src$/, '')}`)).map((c) => c.name));
  return fileReader(from, present, fromHive);
}

/** CSV and Parquet: a record is a row of the file; its columns are cast one by one. */
function fileReader(from: string, present: Set<string>, fromHive: (c: ColumnSpec) => string | undefined, rejects?: Reader['rejects']): Reader {
  const fileCols = [...present].filter((n) => n !== '__file');
  return {
    from,
    raw: (c) => (present.has(c.name) ? `src.${ident(c.name)}` : (fromHive(c) ?? 'NULL')),
    record: `to_json(struct_pack(${fileCols.map((n) => `${ident(n)} := src.${ident(n)}`).join(', ')}))::VARCHAR`,
    fromHive,
    rejects,
  };
}

function typedExpr(reader: Reader, c: ColumnSpec): string {
  const type = c.dataType ?? 'VARCHAR';
  const hive = reader.fromHive(c);
  if (reader.typed) return hive ? `coalesce(__t.${ident(c.name)}, TRY_CAST(${hive} AS ${type}))` : `__t.${ident(c.name)}`;
  return `TRY_CAST(${reader.raw(c)} AS ${type})`;
}

/** Why this column makes the record fail, or NULL. */
function reasonExpr(reader: Reader, c: ColumnSpec): string {
  const type = c.dataType ?? 'VARCHAR';
  const typed = typedExpr(reader, c);
  const raw = reader.raw(c);
  const present = reader.typed ? `(${raw} IS NOT NULL AND json_type(${raw}) <> 'NULL')` : `${raw} IS NOT NULL`;
  const castFail = `WHEN ${present} THEN ${literal(`${c.name}: cannot cast `)} || left(${raw}::VARCHAR, 200) || ${literal(` to ${type}`)}`;
  const missing = c.required ? ` ELSE ${literal(`${c.name}: required field is missing`)}` : '';
  return `CASE WHEN ${typed} IS NULL THEN CASE ${castFail}${missing} END END`;
}

function jsonPath(name: string): string {
  return `$."${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** 'array' when the file's first non-blank character is '[' (or the source says so), else NDJSON. */
async function jsonKind(file: string, opts: Record<string, unknown>): Promise<'array' | 'lines'> {
  const declared = opts.json_format ?? opts.format;
  if (declared === 'array') return 'array';
  if (declared === 'newline_delimited') return 'lines';
  const handle = await fsp.open(file, 'r');
  try {
    const buffer = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buffer, 0, 512, 0);
    const first = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart()[0];
    return first === '[' ? 'array' : 'lines';
  } finally {
    await handle.close();
  }
}

/** Writes the load's rejected records as dead letters (deadLetters.ts); returns their keys. */
async function writeRejects(db: EngineSession, lake: Lake, source: SourceTable, staged: string, reader: Reader, fileKeys: Map<string, string>, tempDir: string): Promise<string[]> {
  await fsp.mkdir(tempDir, { recursive: true });
  const out = path.join(tempDir, `rejected-${hash(source.relation).slice(0, 8)}.jsonl`);
  const files = `(SELECT * FROM (VALUES ${[...fileKeys].map(([f, k]) => `(${literal(f)}, ${literal(k)})`).join(', ')}) f(path, key))`;
  const name = literal(`${source.source}.${source.table}`);
  const parts = [`SELECT ${name} AS source, f.key AS file, f.path AS path, NULL::BIGINT AS line, NULL::BIGINT AS offset, false AS encoding, s.__reason AS reason, s.__record AS record FROM ${staged} s LEFT JOIN ${files} f ON f.path = s.__file WHERE s.__reason IS NOT NULL`];
  if (reader.rejects) {
    // One record may break several rules (an unterminated quote, then too many columns): one dead letter.
    parts.push(`SELECT ${name}, f.key, f.path, r.line, min(r.line_byte_position) - 1, bool_or(r.error_type = 'INVALID ENCODING'), 'line ' || r.line || ': ' || string_agg(DISTINCT r.error_message, '; ' ORDER BY r.error_message), any_value(r.csv_line) FROM ${reader.rejects.table} r JOIN ${reader.rejects.scan} sc USING (scan_id, file_id) LEFT JOIN ${files} f ON f.path = sc.file_path GROUP BY f.key, f.path, r.line`);
  }
  await db.exec(`COPY (${parts.join(' UNION ALL ')} ORDER BY file, line NULLS LAST, reason, record) TO ${literal(out)} (FORMAT json)`);
  const prefix = `_rejected/${source.source === 'bronze' ? source.table : `${source.source}.${source.table}`}/`;
  try {
    return await writeDeadLetters(lake, prefix, out, tempDir);
  } finally {
    await fsp.rm(out, { force: true });
  }
}

async function saveState(db: EngineSession, relation: string, fingerprint: string, n: number[]): Promise<void> {
  // loaded_at is when this load landed new data; an unchanged reload keeps the earlier time.
  await db.query(`INSERT OR REPLACE INTO ${STATE} (relation, fingerprint, files, "read", accepted, rejected, duplicates, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, now())`, [relation, fingerprint, ...n]);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
