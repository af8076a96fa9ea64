// Before a run on Trino: a model the lake publishes under another version than the one Trino's catalog
// names (DuckDB built it since, or built it first) is pointed at the lake's current version, so Trino
// reads what DuckDB wrote. The lake's pointer is the truth: the last build, on either engine, wins.
import * as path from 'node:path';
import type { EngineSession } from '../../engine/adapter.js';
import { openMemory } from '../../engine/duckdb.js';
import { ident, literalList } from '../../engine/sql.js';
import type { Lake } from '../../lake/lake.js';
import type { Project } from '../../project/types.js';
import type { RunGraph } from '../types.js';
import { lakeUrl } from './source.js';
import { pointRelation, relationKind, trinoTypeOf } from './table.js';

export async function syncPublished(db: EngineSession, lake: Lake, project: Project, graph: RunGraph): Promise<void> {
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'model' || node.skip) continue;
    const layer = node.layer ?? node.config.layer;
    if (!layer || layer === 'bronze' || node.config.materialized === 'view' || node.config.materialized === 'ephemeral') continue;
    const prefix = `${layer}/${node.name}`;
    const pointer = await lake.get(`${prefix}/_current.json`);
    if (!pointer) continue;
    const version = lakeUrl(project.config.lake, `${prefix}/_versions/${(JSON.parse(pointer.toString('utf8')) as { version: string }).version}/`);
    const existing = await relationKind(db, node.relation);
    if (existing === 'table' && (await locationOf(db, node.relation)) === version) continue;
    const columns = existing === 'table' ? await trinoColumns(db, node.relation) : await parquetColumns(lake, prefix);
    await pointRelation(db, node.relation, columns.join(', '), version);
  }
}

/** The folder an external table reads, from its definition. */
async function locationOf(db: EngineSession, relation: string): Promise<string | undefined> {
  const text = String(Object.values((await db.query(`SHOW CREATE TABLE ${relation}`)).rows[0] ?? {})[0] ?? '');
  return /external_location = '((?:[^']|'')*)'/.exec(text)?.[1].replace(/''/g, "'");
}

async function trinoColumns(db: EngineSession, relation: string): Promise<string[]> {
  const rows = (await db.query(`SHOW COLUMNS FROM ${relation}`)).rows;
  return rows.map((r) => `${ident(String(r.Column))} ${String(r.Type)}`);
}

/** A model only another engine wrote: its columns from its Parquet footer, in Trino's types. */
async function parquetColumns(lake: Lake, prefix: string): Promise<string[]> {
  const object = (await lake.list(`${prefix}/`)).find((o) => o.key.endsWith('.parquet'));
  if (!object) throw new Error(`The lake publishes ${prefix} without a Parquet file`);
  const file = await lake.localPath(object);
  const duck = await openMemory();
  try {
    const columns = await duck.describe(`SELECT * FROM read_parquet(${literalList([file])})`);
    return columns.map((c) => `${ident(c.name)} ${trinoTypeOf(c.type, `${path.basename(prefix)}.${c.name}`)}`);
  } finally {
    duck.close();
  }
}
