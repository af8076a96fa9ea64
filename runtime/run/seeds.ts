// Seeds: a CSV under seeds/ loaded into its table, types detected over the whole file except
// where `column_types` says otherwise. The table is replaced in one transaction: a bad CSV leaves the old one.
// Whole numbers become INTEGER when every value fits, as dbt's seed loader types them; wider stay BIGINT.
import * as path from 'node:path';
import type { EngineSession } from '../engine/adapter.js';
import { ident, literal, splitRelation } from '../engine/sql.js';
import type { Project, SeedNode } from '../project/types.js';
import type { NodeContext, NodeOutcome } from './types.js';

export interface SeedLoad {
  relation: string;
  rows: number;
  ms: number;
}

/** The SELECT reading a seed's CSV with its type overrides. `file` is an absolute path. */
export function seedSelectSql(file: string, columnTypes: Record<string, string>): string {
  const options = ['header = true', 'auto_detect = true', 'sample_size = -1'];
  const overrides = Object.entries(columnTypes);
  if (overrides.length > 0) options.push(`types = {${overrides.map(([name, type]) => `${literal(name)}: ${literal(type)}`).join(', ')}}`);
  return `select * from read_csv(${literal(file)}, ${options.join(', ')})`;
}

/** Creates or atomically replaces the seed's table. Throws the engine's error (the old table stays). */
export async function loadSeed(session: EngineSession, project: Project, seed: SeedNode): Promise<SeedLoad> {
  const started = performance.now();
  const file = path.posix.join(project.root, seed.file);
  const { schema } = splitRelation(seed.relation);
  await session.exec('begin transaction');
  try {
    await session.exec(`create schema if not exists ${ident(schema)}`);
    const types = { ...(await integerColumns(session, file, seed.columnTypes)), ...seed.columnTypes };
    await session.exec(`create or replace table ${seed.relation} as ${seedSelectSql(file, types)}`);
    const count = await session.query(`select count(*)::integer as n from ${seed.relation}`);
    await session.exec('commit');
    return { relation: seed.relation, rows: Number(count.rows[0].n), ms: performance.now() - started };
  } catch (err) {
    await session.exec('rollback').catch(() => undefined);
    throw err;
  }
}

/** Detected BIGINT columns (not overridden) whose values all fit an INTEGER, mapped to 'integer'. */
async function integerColumns(session: EngineSession, file: string, columnTypes: Record<string, string>): Promise<Record<string, string>> {
  const select = seedSelectSql(file, columnTypes);
  const wide = (await session.describe(select)).filter((c) => c.type === 'BIGINT' && !(c.name in columnTypes)).map((c) => c.name);
  if (wide.length === 0) return {};
  const checks = wide.map((name, i) => `coalesce(bool_and(${ident(name)} between -2147483648 and 2147483647), true) as c${i}`);
  const fits = (await session.query(`select ${checks.join(', ')} from (${select})`)).rows[0];
  return Object.fromEntries(wide.filter((_, i) => fits[`c${i}`] === true).map((name) => [name, 'integer']));
}

/** loadSeed as the runner's `runSeed` hook. */
export async function runSeedNode(ctx: NodeContext, seed: SeedNode): Promise<NodeOutcome> {
  try {
    const load = await loadSeed(ctx.db, ctx.project, seed);
    return { status: 'success', rows: load.rows, message: `${load.rows} rows` };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { status: 'error', message, error: { file: seed.file, message } };
  }
}
