// A minimal target/manifest.json in dbt's schema v12: each model, seed, test and source with its
// unique_id, relation name, config and dependencies, and the parent/child maps. Enough for
// `--defer --state` (ours and dbt's readers of relation names); dbt's full manifest is issue 10, item 9.
import * as path from 'node:path';
import type { Graph } from '../graph/dag.js';
import { splitRelation } from '../engine/sql.js';
import { writeFileInside } from '../lake/within.js';
import type { Project } from '../project/types.js';
import { targetFolder } from './results.js';

export const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';

/** DuckDB names a database file's catalog by the file's name without its extension, as dbt-duckdb does. */
export function databaseOf(warehouse: string): string {
  if (warehouse === ':memory:' || warehouse === '') return 'memory';
  return path.basename(warehouse).replace(/\.[^.]*$/, '');
}

/** dbt's unique_id of a Medallion node ('model.orders' → 'model.shop.orders'). */
export function uniqueId(project: Project, id: string): string {
  const [kind, ...rest] = id.split('.');
  return [kind, project.config.name, ...rest].join('.');
}

export function buildManifest(project: Project, graph: Pick<Graph, 'nodes' | 'parents' | 'children'>, invocationId: string): unknown {
  const name = project.config.name;
  const database = databaseOf(project.config.warehouse);
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  const ids = (set: Iterable<string> | undefined): string[] => [...(set ?? [])].map((id) => uniqueId(project, id)).sort();
  for (const node of graph.nodes.values()) {
    const unique_id = uniqueId(project, node.id);
    const depends_on = { macros: [], nodes: ids(graph.parents.get(node.id)) };
    if (node.kind === 'source') {
      const { schema, name: identifier } = splitRelation(node.relation);
      sources[unique_id] = {
        unique_id, resource_type: 'source', package_name: name, name: node.table, source_name: node.source, identifier, database, schema,
        relation_name: relationName(database, schema, identifier), original_file_path: node.location.file, path: node.location.file,
        fqn: [name, node.source, node.table], description: node.description ?? '', config: { enabled: true },
      };
      continue;
    }
    const relation = node.kind === 'test' ? undefined : splitRelation(node.relation);
    const ephemeral = node.kind === 'model' && node.config.materialized === 'ephemeral';
    const config = node.kind === 'model' ? { enabled: node.config.enabled, materialized: node.config.materialized, tags: node.config.tags, schema: node.config.schema ?? null }
      : node.kind === 'seed' ? { enabled: true, materialized: 'seed', tags: node.tags }
      : { enabled: true, materialized: 'test', severity: node.severity.toUpperCase(), tags: node.tags };
    nodes[unique_id] = {
      unique_id, resource_type: node.kind, package_name: name, name: node.name, path: node.file, original_file_path: node.file,
      database, schema: relation?.schema ?? null, alias: relation?.name ?? node.name,
      relation_name: relation && !ephemeral ? relationName(database, relation.schema, relation.name) : null,
      fqn: [name, ...node.file.replace(/\.[^./]*$/, '').split('/').slice(1, -1), node.name],
      tags: config.tags, config, depends_on, checksum: { name: 'none', checksum: '' },
    };
  }
  const map = (which: 'parents' | 'children'): Record<string, string[]> => Object.fromEntries([...graph.nodes.keys()].map((id) => [uniqueId(project, id), ids(graph[which].get(id))]));
  return {
    metadata: { dbt_schema_version: MANIFEST_SCHEMA, dbt_version: '1.10.0', generated_at: new Date().toISOString(), invocation_id: invocationId, env: {}, project_name: name, adapter_type: 'duckdb' },
    nodes, sources, macros: {}, docs: {}, exposures: {}, metrics: {}, groups: {}, selectors: {}, disabled: {},
    parent_map: map('parents'), child_map: map('children'), group_map: {}, saved_queries: {}, semantic_models: {}, unit_tests: {},
  };
}

/** Writes `<target dir>/manifest.json` (a fresh file renamed over the old one). */
export async function writeManifest(project: Project, graph: Pick<Graph, 'nodes' | 'parents' | 'children'>, invocationId: string): Promise<void> {
  const { dir, within } = targetFolder(project);
  await writeFileInside(within, path.join(dir, 'manifest.json'), JSON.stringify(buildManifest(project, graph, invocationId), null, 2) + '\n');
}

function relationName(database: string, schema: string, name: string): string {
  return [database, schema, name].map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
}
