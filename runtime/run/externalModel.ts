// dbt-duckdb's `materialized='external'`: the model's rows written to a file (parquet, csv or json, at
// `location`, default `<external_root>/<name>.<format>`) and a view over that file. The file is
// written aside and renamed over the old one, so a failed run leaves the previous file and view.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { EngineSession } from '../engine/adapter.js';
import { ident, literal, relation as rel, splitRelation } from '../engine/sql.js';
import { isInside } from '../lake/within.js';
import type { ModelConfig, ModelNode, Project } from '../project/types.js';
import { ModelError, transaction } from './materialize.js';

/** Where external models may write and where a relative location starts. */
export interface ExternalTarget {
  /** The default location's folder (profile external_root; a pipeline's local lake). */
  root: string;
  /** Where a relative `location` starts: the project (dbt runs from its folder), a pipeline's lake. */
  base: string;
  /** Folders a location must stay in. */
  allowed: string[];
  /** Why external models cannot be written here at all (an S3 lake). */
  unavailable?: string;
}

export function externalTarget(project: Project): ExternalTarget {
  const { config } = project;
  if (config.format === 'pipeline') {
    if (config.lake.kind !== 'local') return { root: project.root, base: project.root, allowed: [], unavailable: "materialized='external' writes a file DuckDB reads in place: it needs a local lake (this project's lake is on S3; use table)" };
    const lake = path.resolve(project.root, config.lake.path);
    return { root: lake, base: lake, allowed: [lake] };
  }
  const root = path.resolve(project.root, config.duckdb?.externalRoot ?? '.');
  return { root, base: project.root, allowed: [project.root, root] };
}

const FORMATS = ['parquet', 'csv', 'json'];

/** The write: location, format and COPY options as dbt-duckdb derives them from the config. */
export function externalWrite(name: string, config: ModelConfig, target: ExternalTarget): { location: string; format: string; copyOptions: string; readLocation: string } {
  const extra = config.extra;
  const raw = extra.options ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelError('The options config of an external model must be a map', 'config');
  const options: Record<string, string> = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
  if (typeof extra.format === 'string') options.format = extra.format;
  if (typeof extra.delimiter === 'string') options.delimiter = extra.delimiter;
  const given = typeof extra.location === 'string' && extra.location !== '' ? extra.location : undefined;
  const written = given ?? (options.partition_by ? name : `${name}.${options.format ?? 'parquet'}`);
  const location = path.resolve(given ? target.base : target.root, written);
  if (!target.allowed.some((dir) => isInside(dir, location))) throw new ModelError(`The location ${written} of the external model ${name} leads outside ${target.allowed.join(' and ')}; nothing was written`, 'config');
  if (options.format === undefined) {
    const ext = path.extname(location).slice(1).toLowerCase();
    options.format = ext || (options.delimiter !== undefined ? 'csv' : 'parquet');
  }
  const format = FORMATS.includes(options.format.toLowerCase()) ? options.format.toLowerCase() : undefined;
  if (!format || (typeof extra.format === 'string' && !FORMATS.includes(extra.format))) throw new ModelError(`Invalid format: ${options.format}. Allowed formats are: ${FORMATS.join(', ')}`, 'config');
  if (format === 'csv' && options.header === undefined) options.header = '1';
  if (options.partition_by?.includes(',') && !options.partition_by.startsWith('(')) options.partition_by = `(${options.partition_by})`;
  const copyOptions = Object.entries(options)
    .map(([k, v]) => (['delimiter', 'quote', 'escape', 'null'].includes(k.toLowerCase()) && !v.startsWith("'") ? `${k} ${literal(v)}` : `${k} ${v}`))
    .join(', ');
  let readLocation = location;
  if (options.partition_by || options.per_thread_output) {
    const depth = options.partition_by ? options.partition_by.split(',').length : 0;
    readLocation = `${[location, '*', ...Array(depth).fill('*')].join('/')}.${format}`;
  }
  return { location, format, copyOptions, readLocation };
}

/** Builds the rows into a staging table, writes them beside the old file, swaps the file in, then the view. */
export async function materializeExternal(db: EngineSession, model: ModelNode, config: ModelConfig, select: string, target: ExternalTarget, existing: 'table' | 'view' | undefined): Promise<{ rows: number; location: string }> {
  if (target.unavailable) throw new ModelError(target.unavailable, 'config');
  const write = externalWrite(model.name, config, target);
  const { schema, name } = splitRelation(model.relation);
  const stage = rel(schema, `__medallion_external_${name}`);
  const aside = path.join(path.dirname(write.location), `.${path.basename(write.location)}.medallion-new`);
  const old = path.join(path.dirname(write.location), `.${path.basename(write.location)}.medallion-old`);
  await fsp.mkdir(path.dirname(write.location), { recursive: true });
  await Promise.all([fsp.rm(aside, { recursive: true, force: true }), fsp.rm(old, { recursive: true, force: true })]);
  try {
    await db.exec(`CREATE OR REPLACE TABLE ${stage} AS ${select}`);
    const rows = Number((await db.query(`SELECT count(*) AS n FROM ${stage}`)).rows[0].n);
    const columns = await db.describe(`SELECT * FROM ${stage}`);
    // As dbt-duckdb: an empty result is written as one row of NULLs (so the file has its columns) that the view filters out.
    if (rows === 0) await db.exec(`INSERT INTO ${stage} VALUES (${columns.map(() => 'NULL').join(', ')})`);
    await db.exec(`COPY ${stage} TO ${literal(aside)} (${write.copyOptions})`);
    await swapIn(aside, write.location, old);
    const reader = { parquet: 'read_parquet', csv: 'read_csv', json: 'read_json' }[write.format];
    const readOptions = write.format === 'parquet' ? 'union_by_name=False' : 'auto_detect=True';
    const filter = rows === 0 ? ` WHERE 1 ${columns.map((c) => `AND ${ident(c.name)} IS NOT NULL`).join(' ')}` : '';
    await transaction(db, async () => {
      if (existing === 'table') await db.exec(`DROP TABLE ${model.relation}`);
      await db.exec(`CREATE OR REPLACE VIEW ${model.relation} AS (SELECT * FROM ${reader}(${literal(write.readLocation)}, ${readOptions})${filter})`);
    });
    return { rows, location: write.location };
  } finally {
    await db.exec(`DROP TABLE IF EXISTS ${stage}`).catch(() => undefined);
    await fsp.rm(aside, { recursive: true, force: true });
  }
}

/** Puts the new file (or partition folder) in place of the old one; the old one is kept until then. */
async function swapIn(fresh: string, target: string, old: string): Promise<void> {
  const stat = await fsp.stat(target).catch(() => undefined);
  if (stat?.isDirectory()) {
    await fsp.rename(target, old);
    await fsp.rename(fresh, target);
    await fsp.rm(old, { recursive: true, force: true });
  } else {
    // rename(2) replaces a file atomically.
    await fsp.rename(fresh, target);
  }
}
