// <target-path>/catalog.json in dbt's format (what `dbt docs generate` writes): every relation of the project
// that exists in the warehouse (DuckDB's, or a Trino target's catalog), with its columns and the engine's
// types, read from the standard information_schema. Written at the end of each run; the editor types from it.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { EngineSession } from '../engine/adapter.js';
import { splitRelation } from '../engine/sql.js';
import type { Project } from '../project/types.js';
import { targetFolder } from './results.js';
import type { RunGraph } from './types.js';

interface CatalogColumn {
  type: string;
  index: number;
  name: string;
  comment: null;
}

interface CatalogTable {
  metadata: { type: string; schema: string; name: string; database: string; comment: null; owner: null };
  columns: Record<string, CatalogColumn>;
  stats: Record<string, { id: string; label: string; value: boolean; include: boolean; description: string }>;
  unique_id: string;
}

/** Writes the catalog; never throws, as the run's outcome does not depend on it. */
export async function writeCatalog(db: EngineSession, project: Project, graph: RunGraph): Promise<void> {
  try {
    const catalog = await buildCatalog(db, project, graph);
    const { dir } = targetFolder(project);
    await fsp.mkdir(dir, { recursive: true });
    const file = path.join(dir, 'catalog.json');
    // Written aside and renamed, so the editor watching it never reads half a file.
    await fsp.writeFile(`${file}.tmp`, JSON.stringify(catalog, null, 2) + '\n');
    await fsp.rename(`${file}.tmp`, file);
  } catch {
    // A missing catalog only leaves the editor with inferred types.
  }
}

async function buildCatalog(db: EngineSession, project: Project, graph: RunGraph): Promise<unknown> {
  const columns = await db.query(
    `select c.table_catalog as db, c.table_schema as s, c.table_name as t, t.table_type as kind, c.column_name as name, c.data_type as type, cast(c.ordinal_position as integer) as i
     from information_schema.columns c join information_schema.tables t
       on t.table_catalog = c.table_catalog and t.table_schema = c.table_schema and t.table_name = c.table_name
     where c.table_catalog = current_catalog order by s, t, i`,
  );
  const tables = new Map<string, CatalogTable>();
  for (const row of columns.rows) {
    const key = `${String(row.s).toLowerCase()}.${String(row.t).toLowerCase()}`;
    let table = tables.get(key);
    if (!table) {
      const metadata = { type: String(row.kind), schema: String(row.s), name: String(row.t), database: String(row.db), comment: null, owner: null };
      tables.set(key, (table = { metadata, columns: {}, stats: { has_stats: { id: 'has_stats', label: 'Has Stats?', value: false, include: false, description: 'Indicates whether there are statistics for this table' } }, unique_id: '' }));
    }
    table.columns[String(row.name)] = { type: String(row.type), index: Number(row.i), name: String(row.name), comment: null };
  }
  const nodes: Record<string, CatalogTable> = {};
  const sources: Record<string, CatalogTable> = {};
  for (const node of graph.nodes.values()) {
    if (node.kind === 'test' || (node.kind === 'model' && node.config.materialized === 'ephemeral')) continue;
    const { schema, name } = splitRelation(node.relation);
    const table = tables.get(`${schema.toLowerCase()}.${name.toLowerCase()}`);
    if (!table) continue;
    const id = node.kind === 'source' ? `source.${project.config.name}.${node.source}.${node.table}` : `${node.kind}.${project.config.name}.${node.name}`;
    (node.kind === 'source' ? sources : nodes)[id] = { ...table, unique_id: id };
  }
  return {
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/catalog/v1.json', dbt_version: '1.10.0', generated_at: new Date().toISOString(), invocation_id: null, env: {} },
    nodes,
    sources,
    errors: null,
  };
}
