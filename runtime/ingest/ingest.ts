// Lands raw files in the bronze zone of the lake, idempotently: each file goes to a day partition
// (year=/month=/day=, from its records' timestamps) under a name that is the hash of its content.
// Files stream: one pass hashes them (and dates JSON records), the upload streams them again.
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { Lake } from '../lake/lake.js';
import type { Project, SourceFormat, SourceTable } from '../project/types.js';
import { duckdbDay, JsonDay } from './day.js';

export interface IngestOutcome {
  /** The local file, as given. */
  file: string;
  status: 'landed' | 'skipped' | 'failed';
  /** The lake key it landed at (or already was at, when skipped). */
  key?: string;
  reason?: string;
}

export interface IngestResult {
  source: string;
  landed: number;
  skipped: number;
  failed: number;
  outcomes: IngestOutcome[];
}

const EXTENSIONS: Record<SourceFormat, string[]> = {
  json: ['.json', '.jsonl', '.ndjson'],
  csv: ['.csv', '.tsv', '.txt'],
  parquet: ['.parquet'],
};

/** A pipeline.yml source by its key ('app_logs') or full name ('bronze.app_logs'). */
export function findSource(project: Project, name: string): SourceTable | undefined {
  return project.sources.get(name) ?? [...project.sources.values()].find((s) => s.table === name && s.path !== undefined);
}

/**
 * Lands `files` (folders are walked for files of the source's format) for `source`. Problems with
 * one file are reported in its outcome; a lake failure (LakeError) stops the whole ingest.
 */
export async function ingestFiles(lake: Lake, source: SourceTable, files: string[]): Promise<IngestResult> {
  const format = source.format ?? 'json';
  const prefix = landingPrefix(source);
  const matches = source.path ? picomatch(source.path.replace(/^\.?\//, '')) : () => true;
  // Content already in the source, wherever it landed: the hash is the name, so nothing is duplicated.
  const landed = new Map((await lake.list(prefix)).map((o) => [path.posix.basename(o.key).replace(/\.[^.]*$/, ''), o.key]));
  const result: IngestResult = { source: `${source.source}.${source.table}`, landed: 0, skipped: 0, failed: 0, outcomes: [] };

  for (const file of await expand(files, format)) {
    const outcome = await landOne(lake, source, format, prefix, matches, landed, file);
    result.outcomes.push(outcome);
    result[outcome.status]++;
  }
  return result;
}

async function landOne(
  lake: Lake,
  source: SourceTable,
  format: SourceFormat,
  prefix: string,
  matches: (key: string) => boolean,
  landed: Map<string, string>,
  file: string,
): Promise<IngestOutcome> {
  if (!EXTENSIONS[format].includes(path.extname(file).toLowerCase())) {
    return { file, status: 'failed', reason: `not a ${format} file (the source ${source.table} reads ${format})` };
  }
  const column = timestampColumn(source);
  let scan: Scan;
  try {
    scan = await scanFile(file, format === 'json' ? new JsonDay(column) : undefined);
  } catch (err) {
    return { file, status: 'failed', reason: `cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  const existing = landed.get(scan.id);
  if (existing) return { file, status: 'skipped', key: existing, reason: 'already landed (same content)' };

  const day = (format === 'json' ? scan.day : await duckdbDay(file, format, column)) ?? scan.mtime.toISOString().slice(0, 10);
  const name = `${scan.id}${EXTENSIONS[format][0]}`;
  const partitioned = `${prefix}year=${day.slice(0, 4)}/month=${day.slice(5, 7)}/day=${day.slice(8, 10)}/${name}`;
  const key = matches(partitioned) ? partitioned : `${prefix}${name}`;
  if (!matches(key)) return { file, status: 'failed', reason: `the key ${partitioned} would not match the source path ${source.path}` };
  await lake.putFile(key, file);
  // The name is the hash of what was read: a file written to meanwhile may have landed other bytes.
  if (await changedSince(file, scan)) {
    await lake.deletePrefix(key);
    return { file, status: 'failed', reason: 'it changed while it was being landed; land it again once it is complete' };
  }
  landed.set(scan.id, key);
  return { file, status: 'landed', key };
}

interface Scan {
  /** The content hash that names the object. */
  id: string;
  /** The day of the JSON records, when they have one. */
  day?: string;
  size: number;
  mtimeMs: number;
  mtime: Date;
}

/** One streaming pass over the file: its hash, and the day of its records when `json` is given. */
async function scanFile(file: string, json: JsonDay | undefined): Promise<Scan> {
  const stat = await fsp.stat(file);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    json?.push(chunk);
  }
  return { id: hash.digest('hex').slice(0, 32), day: json?.end(), size: stat.size, mtimeMs: stat.mtimeMs, mtime: stat.mtime };
}

async function changedSince(file: string, scan: Scan): Promise<boolean> {
  const stat = await fsp.stat(file).catch(() => undefined);
  return !stat || stat.size !== scan.size || stat.mtimeMs !== scan.mtimeMs;
}

/** The folder part of the source's path before any glob: 'bronze/app_logs/**\/*.json' → 'bronze/app_logs/'. */
export function landingPrefix(source: SourceTable): string {
  const clean = (source.path ?? `bronze/${source.table}/`).replace(/^\.?\//, '');
  const firstGlob = clean.search(/[*?[{]/);
  if (firstGlob >= 0) return clean.slice(0, clean.lastIndexOf('/', firstGlob) + 1);
  return path.posix.extname(clean) ? clean.slice(0, clean.lastIndexOf('/') + 1) : clean.replace(/\/?$/, '/');
}

/** The record field that dates a file: the first declared timestamp or date column, else `ts`. */
function timestampColumn(source: SourceTable): string {
  return source.columns.find((c) => /^(timestamp|date)/i.test(c.dataType ?? ''))?.name ?? 'ts';
}

/** Files as given, folders walked (in name order) for files with the format's extensions. */
async function expand(files: string[], format: SourceFormat): Promise<string[]> {
  const out: string[] = [];
  for (const file of files) {
    const stat = await fsp.stat(file).catch(() => undefined);
    if (!stat?.isDirectory()) {
      out.push(file);
      continue;
    }
    const entries = (await fsp.readdir(file, { recursive: true })) as string[];
    for (const entry of entries.sort()) {
      if (EXTENSIONS[format].includes(path.extname(entry).toLowerCase())) out.push(path.join(file, entry));
    }
  }
  return out;
}
