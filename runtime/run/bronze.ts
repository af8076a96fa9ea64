// Loads a pipeline.yml source (files in the lake) into "bronze"."<table>" through its raw contract:
// every record is read as text, cast per column, and records that fail go to _rejected/ with a reason.
import { promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { EngineSession } from '../engine/adapter.js';
import { ident, literal, literalList, splitRelation } from '../engine/sql.js';
import type { Lake, LakeObject } from '../lake/lake.js';
import type { ColumnSpec, SourceTable } from '../project/types.js';

/** What one load did. Invariant: read = accepted + rejected + duplicates. */
export interface SourceLoad {
  relation: string;
  files: number;
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  /** The lake key of this run's dead letters, when there were any. */
  rejectedKey?: string;
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

const STATE = '"_medallion"."source_loads"';

/** Rows of a lake file as the loader sees them, before the contract. */
interface Reader {
  /** FROM clause item aliased `src`, with a `__file` column. */
  from: string;
  /** Per declared column: the raw value (text or the file's own type) or NULL when absent. */
  raw: (column: ColumnSpec) => string;
  /** JSON only: the parsed, typed struct of the record, or NULL for a malformed one. */
  typed?: string;
  /** A hive partition value standing in for a column the record itself lacks. */
  fromHive: (column: ColumnSpec) => string | undefined;
  /** The original record, for the dead-letter file. */
  record: string;
  /** CSV only: the rejects table DuckDB fills with lines it could not parse. */
  csvRejects?: { table: string; scan: string };
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
      return { relation: source.relation, files: objects.length, read: Number(row.read), accepted: Number(row.accepted), rejected: Number(row.rejected), duplicates: Number(row.duplicates), unchanged: true, warnings: [] };
    }
  }

  const warnings: string[] = [];
  const columns = source.columns;
  const defs = columns.map((c) => `${ident(c.name)} ${c.dataType ?? 'VARCHAR'}`).join(', ');
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  if (objects.length === 0) {
    warnings.push(`no files in the lake match ${source.path}`);
    if (columns.length === 0) throw new Error(`The source ${source.source}.${source.table} has no files matching ${source.path} and no declared columns.`);
    await db.exec(`CREATE OR REPLACE TABLE ${source.relation} (${defs})`);
    await saveState(db, source.relation, fingerprint, [0, 0, 0, 0, 0]);
    return { relation: source.relation, files: 0, read: 0, accepted: 0, rejected: 0, duplicates: 0, unchanged: false, warnings };
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
  const reason = reader.typed ? `CASE WHEN __t IS NULL THEN 'malformed JSON' ELSE ${columnReasons} END` : columnReasons;
  const l2 = `SELECT src.*, ${reason} AS __reason FROM (${l1}) src`;
  const typedCols = columns.map((c) => `${typedExpr(reader, c)} AS ${ident(c.name)}`);
  const body = columns.length ? typedCols.join(', ') : `* EXCLUDE (__file, __reason)`;
  await db.exec(`CREATE OR REPLACE TEMP TABLE ${staged} AS SELECT __file, ${body}, __reason, CASE WHEN __reason IS NOT NULL THEN ${reader.record} END AS __record FROM (${l2}) src`);

  const counts = await db.query(`SELECT count(*) FILTER (WHERE __reason IS NULL) AS ok, count(*) FILTER (WHERE __reason IS NOT NULL) AS bad FROM ${staged}`);
  const parseErrors = reader.csvRejects ? Number((await db.query(`SELECT count(*) AS n FROM ${reader.csvRejects.table}`)).rows[0].n) : 0;
  const ok = Number(counts.rows[0].ok);
  const rejected = Number(counts.rows[0].bad) + parseErrors;

  const keep = columns.length ? columns.map((c) => ident(c.name)).join(', ') : '* EXCLUDE (__file, __reason, __record)';
  const dedupe = source.dedupeOn.length ? ` QUALIFY row_number() OVER (PARTITION BY ${source.dedupeOn.map(ident).join(', ')} ORDER BY __file) = 1` : '';
  // One statement, so the previous table stays until the new one is complete.
  await db.exec(`CREATE OR REPLACE TABLE ${source.relation} AS SELECT ${keep} FROM ${staged} WHERE __reason IS NULL${dedupe}`);
  const accepted = Number((await db.query(`SELECT count(*) AS n FROM ${source.relation}`)).rows[0].n);

  let rejectedKey: string | undefined;
  if (rejected > 0) {
    rejectedKey = `_rejected/${source.source === 'bronze' ? source.table : `${source.source}.${source.table}`}/${options.runId}.jsonl`;
    await writeRejects(db, lake, source, staged, reader, fileKeys, rejectedKey, options.tempDir);
  }
  await db.exec(`DROP TABLE IF EXISTS ${staged}`);
  if (reader.csvRejects) await db.exec(`DROP TABLE IF EXISTS ${reader.csvRejects.table}; DROP TABLE IF EXISTS ${reader.csvRejects.scan}`);
  const read = ok + rejected;
  await saveState(db, source.relation, fingerprint, [objects.length, read, accepted, rejected, ok - accepted]);
  return { relation: source.relation, files: objects.length, read, accepted, rejected, duplicates: ok - accepted, rejectedKey, unchanged: false, warnings };
}

/** The table remembering each source's last load, so an unchanged source is not read again. */
export async function ensureLoadState(db: EngineSession): Promise<void> {
  await db.exec(`CREATE SCHEMA IF NOT EXISTS "_medallion"; CREATE TABLE IF NOT EXISTS ${STATE} (relation VARCHAR PRIMARY KEY, fingerprint VARCHAR, files BIGINT, "read" BIGINT, accepted BIGINT, rejected BIGINT, duplicates BIGINT)`);
}

/** Lake objects matching the source's path: a glob, a file, or a folder (everything under it). */
async function matchingObjects(lake: Lake, pattern: string): Promise<LakeObject[]> {
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

  if (source.format === 'json' || source.format === undefined) {
    if (source.columns.length === 0) {
      return { from: `read_json(${list}, filename = '__file'${hiveOpts}) src`, raw: () => 'NULL', record: 'NULL', fromHive };
    }
    // Each record as text: NDJSON files line by line (a CSV read with no quoting and a delimiter that
    // valid JSON never contains), JSON array files element by element.
    const arrays: string[] = [];
    const lines: string[] = [];
    for (const file of files) ((await jsonKind(file, opts)) === 'array' ? arrays : lines).push(file);
    const parts: string[] = [];
    const hiveCols = [...hive].map((k) => `, ${ident(k)}`).join('');
    if (lines.length) {
      parts.push(`SELECT __raw, __file${hiveCols} FROM read_csv(${literalList(lines)}, columns = {'__raw': 'VARCHAR'}, header = false, delim = '\\x01', quote = '', escape = '', auto_detect = false, strict_mode = false, max_line_size = 16777216, filename = '__file'${hiveOpts}) WHERE trim(__raw) <> ''`);
    }
    if (arrays.length) {
      parts.push(`SELECT unnest(CASE WHEN json_valid(content) AND json_type(content) = 'ARRAY' THEN json_extract(content, '$[*]')::VARCHAR[] ELSE [content] END) AS __raw, filename AS __file${[...hive].map((k) => `, regexp_extract(filename, '/${k}=([^/]*)/', 1) AS ${ident(k)}`).join('')} FROM read_text(${literalList(arrays)})`);
    }
    const structure = literal(JSON.stringify(Object.fromEntries(source.columns.map((c) => [c.name, c.dataType ?? 'VARCHAR']))));
    return {
      from: `(${parts.join(' UNION ALL ')}) src`,
      typed: `try(json_transform(src.__raw, ${structure}))`,
      raw: (c) => `json_extract(src.__raw, ${literal(jsonPath(c.name))})`,
      record: 'src.__raw',
      fromHive,
    };
  }

  if (source.format === 'csv') {
    const csvRejects = { table: `"__rejects_${tag}"`, scan: `"__rejects_scan_${tag}"` };
    await db.exec(`DROP TABLE IF EXISTS ${csvRejects.table}; DROP TABLE IF EXISTS ${csvRejects.scan}`);
    const extra = ['delim', 'delimiter', 'quote', 'escape', 'header', 'skip', 'null_padding']
      .filter((k) => opts[k] !== undefined)
      .map((k) => `, ${k === 'delimiter' ? 'delim' : k} = ${typeof opts[k] === 'string' ? literal(String(opts[k])) : String(opts[k])}`)
      .join('');
    const from = `read_csv(${list}, all_varchar = true${opts.header === undefined ? ', header = true' : ''}${extra}, filename = '__file', store_rejects = true, rejects_table = '${csvRejects.table.slice(1, -1)}', rejects_scan = '${csvRejects.scan.slice(1, -1)}'${hiveOpts}) src`;
    const present = new Set((await db.describe(`SELECT * FROM ${from.replace(/ src$/, '')}`)).map((c) => c.name));
    await db.exec(`DROP TABLE IF EXISTS ${csvRejects.table}; DROP TABLE IF EXISTS ${csvRejects.scan}`);
    return fileReader(from, present, fromHive, csvRejects);
  }

  const from = `read_parquet(${list}, union_by_name = true, filename = '__file'${hiveOpts}) src`;
  const present = new Set((await db.describe(`SELECT * FROM ${from.replace(/ src$/, '')}`)).map((c) => c.name));
  return fileReader(from, present, fromHive);
}

/** CSV and Parquet: a record is a row of the file; its columns are cast one by one. */
function fileReader(from: string, present: Set<string>, fromHive: (c: ColumnSpec) => string | undefined, csvRejects?: Reader['csvRejects']): Reader {
  const fileCols = [...present].filter((n) => n !== '__file');
  return {
    from,
    raw: (c) => (present.has(c.name) ? `src.${ident(c.name)}` : (fromHive(c) ?? 'NULL')),
    record: `to_json(struct_pack(${fileCols.map((n) => `${ident(n)} := src.${ident(n)}`).join(', ')}))::VARCHAR`,
    fromHive,
    csvRejects,
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

async function writeRejects(db: EngineSession, lake: Lake, source: SourceTable, staged: string, reader: Reader, fileKeys: Map<string, string>, key: string, tempDir: string): Promise<void> {
  await fsp.mkdir(tempDir, { recursive: true });
  const out = path.join(tempDir, `rejected-${hash(key).slice(0, 8)}.jsonl`);
  const files = `(SELECT * FROM (VALUES ${[...fileKeys].map(([f, k]) => `(${literal(f)}, ${literal(k)})`).join(', ')}) f(path, key))`;
  const name = literal(`${source.source}.${source.table}`);
  const parts = [`SELECT ${name} AS source, f.key AS file, s.__reason AS reason, s.__record AS record FROM ${staged} s LEFT JOIN ${files} f ON f.path = s.__file WHERE s.__reason IS NOT NULL`];
  if (reader.csvRejects) {
    parts.push(`SELECT ${name}, f.key, 'line ' || r.line || ': ' || r.error_message, r.csv_line FROM ${reader.csvRejects.table} r JOIN ${reader.csvRejects.scan} sc USING (scan_id, file_id) LEFT JOIN ${files} f ON f.path = sc.file_path`);
  }
  await db.exec(`COPY (${parts.join(' UNION ALL ')}) TO ${literal(out)} (FORMAT json)`);
  await lake.putFile(key, out);
  await fsp.rm(out, { force: true });
}

async function saveState(db: EngineSession, relation: string, fingerprint: string, n: number[]): Promise<void> {
  await db.query(`INSERT OR REPLACE INTO ${STATE} VALUES (?, ?, ?, ?, ?, ?, ?)`, [relation, fingerprint, ...n]);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
