// Seeds: a CSV under seeds/ loaded into its table with the types dbt gives it (seedTypes.ts: agate's
// inference, `column_types` winning). The table is replaced in one transaction: a bad CSV leaves the old one.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { EngineSession } from '../engine/adapter.js';
import { ident, literal, splitRelation } from '../engine/sql.js';
import { NUMBER_NOISE, readSeed, type SeedColumn } from '../project/seedTypes.js';
import type { Diagnostic, Project, SeedNode } from '../project/types.js';
import type { NodeContext, NodeOutcome } from './types.js';

export interface SeedLoad {
  relation: string;
  rows: number;
  ms: number;
}

/** A seed that cannot be read, with where: the bad row, the open quote, the unknown column_types entry. */
export class SeedError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/**
 * The SELECT reading a seed's CSV (an absolute path): every field as text, then each column cast as
 * dbt casts it, '' and 'null' being NULL; a declared type takes the text as it is, as dbt's insert does.
 */
export function seedSelectSql(file: string, columns: SeedColumn[], columnTypes: Record<string, string>, delimiter: string): string {
  const fields = columns.map((_, i) => `${literal(`c${i}`)}: 'VARCHAR'`).join(', ');
  const options = `header = true, auto_detect = false, delim = ${literal(delimiter)}, quote = '"', escape = '"', columns = {${fields}}`;
  const select = columns.map((c, i) => `case when lower(trim(c${i})) in ('', 'null') then null else ${cast(`c${i}`, c, columnTypes[c.name])} end as ${ident(c.name)}`);
  return `select ${select.join(', ')} from read_csv(${literal(file)}, ${options})`;
}

function cast(field: string, column: SeedColumn, declared: string | undefined): string {
  if (declared) return `cast(${field} as ${declared})`;
  switch (column.kind) {
    case 'number':
      return `cast(regexp_replace(trim(${field}), '[${NUMBER_NOISE}]', '', 'g') as ${column.type})`;
    case 'boolean':
      return `lower(replace(trim(${field}), ',', '')) = 'true'`;
    case 'text':
      return field;
    default:
      return `cast(trim(${field}) as ${column.type})`;
  }
}

/**
 * The typed SELECT over a seed's CSV (seedSelectSql), after reading it as dbt does: a bad row, an open
 * quote or a column_types entry naming no column is a SeedError before anything is written.
 */
export async function seedSelect(project: Project, seed: SeedNode): Promise<string> {
  const file = path.posix.join(project.root, seed.file);
  const read = readSeed(seed.file, await fsp.readFile(file, 'utf8'), seed.delimiter);
  const problem = read.diagnostics.find((d) => d.severity === 'error');
  if (problem) throw new SeedError(problem);
  const unknown = Object.keys(seed.columnTypes).find((name) => !read.value.columns.some((c) => c.name === name));
  if (unknown) throw new SeedError({ file: seed.file, range: { start: 0, end: 0 }, severity: 'error', message: `column_types names '${unknown}', which is not a column of ${seed.file}` });
  return seedSelectSql(file, read.value.columns, seed.columnTypes, seed.delimiter);
}

/** Creates or atomically replaces the seed's table. Throws SeedError or the engine's error (the old table stays). */
export async function loadSeed(session: EngineSession, project: Project, seed: SeedNode): Promise<SeedLoad> {
  const started = performance.now();
  const select = await seedSelect(project, seed);
  const { schema } = splitRelation(seed.relation);
  await session.exec('begin transaction');
  try {
    await session.exec(`create schema if not exists ${ident(schema)}`);
    await session.exec(`create or replace table ${seed.relation} as ${select}`);
    const count = await session.query(`select count(*)::integer as n from ${seed.relation}`);
    await session.exec('commit');
    return { relation: seed.relation, rows: Number(count.rows[0].n), ms: performance.now() - started };
  } catch (err) {
    await session.exec('rollback').catch(() => undefined);
    throw err;
  }
}

/** The engine's seed load (loadSeed on DuckDB; runtime/run/engines.ts) as the runner's `runSeed` hook. */
export async function runSeedNode(ctx: NodeContext, seed: SeedNode): Promise<NodeOutcome> {
  try {
    const load = await ctx.steps.loadSeed(ctx, seed);
    return { status: 'success', rows: load.rows, message: `${load.rows} rows` };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const range = err instanceof SeedError ? err.diagnostic.range : undefined;
    return { status: 'error', message, error: { file: seed.file, message, ...(range ? { range } : {}) } };
  }
}
