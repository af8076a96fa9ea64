// target/manifest.json in dbt's schema v12 (what dbt-core 1.10 writes): every model, seed, test and
// source with its ids, paths, relation, config, columns, refs, dependencies, code and checksum; the
// project's and packages' macros; the parent and child maps. Read by --defer --state and by dbt's tools.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Graph, GraphNode } from '../graph/dag.js';
import { splitRelation } from '../engine/sql.js';
import { writeFileInside } from '../lake/within.js';
import type { ColumnConstraint, ColumnSpec, MacroDef, ModelNode, Project } from '../project/types.js';
import { checksum, databaseOf, filePaths, packageOf, quotedRelation, uniqueId } from './dbtNodes.js';
import { targetFolder } from './results.js';

export { databaseOf, uniqueId } from './dbtNodes.js';

export const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';
export const DBT_VERSION = '1.10.0';

type ManifestGraph = Pick<Graph, 'nodes' | 'parents' | 'children'>;

/** `compiled`: each node's compiled SQL by Medallion id, for the nodes this invocation compiled. */
export function buildManifest(project: Project, graph: ManifestGraph, invocationId: string, compiled: ReadonlyMap<string, string> = new Map(), startedAt?: string): unknown {
  const name = project.config.name;
  const database = databaseOf(project.config.warehouse);
  const idOf = (id: string): string => uniqueId(project, id, graph.nodes.get(id));
  const ids = (set: Iterable<string> | undefined): string[] => [...(set ?? [])].map(idOf).sort();
  const macroIds = macroIndex(project);
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  for (const node of graph.nodes.values()) {
    if (node.kind === 'source') sources[idOf(node.id)] = sourceEntry(project, node, database);
    else nodes[idOf(node.id)] = nodeEntry(project, node, database, ids(graph.parents.get(node.id)), macroIds, compiled.get(node.id));
  }
  const disabled: Record<string, unknown[]> = {};
  for (const m of project.models.values()) if (!m.config.enabled) disabled[uniqueId(project, m.id, m)] = [nodeEntry(project, m, database, [], macroIds, undefined)];
  const map = (which: 'parents' | 'children'): Record<string, string[]> => Object.fromEntries([...graph.nodes.keys()].map((id) => [idOf(id), ids(graph[which].get(id))]));
  return {
    metadata: {
      dbt_schema_version: MANIFEST_SCHEMA, dbt_version: DBT_VERSION, generated_at: new Date().toISOString(), invocation_id: invocationId,
      invocation_started_at: startedAt ?? null, env: {}, project_name: name, project_id: createHash('md5').update(name).digest('hex'), user_id: null,
      send_anonymous_usage_stats: false, adapter_type: 'duckdb', quoting: { database: true, schema: true, identifier: true, column: null },
    },
    nodes, sources, macros: macros(project, macroIds), docs: {}, exposures: {}, metrics: {}, groups: {}, selectors: {}, disabled,
    parent_map: map('parents'), child_map: map('children'), group_map: {}, saved_queries: {}, semantic_models: {}, unit_tests: {},
  };
}

/** Writes `<target dir>/manifest.json` (a fresh file renamed over the old one). */
export async function writeManifest(project: Project, graph: ManifestGraph, invocationId: string, compiled?: ReadonlyMap<string, string>, startedAt?: string): Promise<void> {
  const { dir, within } = targetFolder(project);
  await writeFileInside(within, path.join(dir, 'manifest.json'), JSON.stringify(buildManifest(project, graph, invocationId, compiled, startedAt), null, 2) + '\n');
}

function nodeEntry(project: Project, node: Exclude<GraphNode, { kind: 'source' }>, database: string, parents: string[], macroIds: Map<string, string>, code: string | undefined): Record<string, unknown> {
  const files = filePaths(project, node);
  const spec = node.kind === 'test' ? undefined : node.spec;
  const calls = 'scan' in node && node.scan ? [...node.scan.macroCalls.map((c) => macroIds.get(c.name)), ...node.scan.packageCalls.map((c) => macroIds.get(`${c.package}.${c.name}`))] : [];
  const base = {
    database, name: node.name, resource_type: node.kind, package_name: packageOf(project, node), ...files,
    unique_id: uniqueId(project, node.id, node), checksum: checksum(node.kind === 'test' && node.text === undefined ? undefined : 'text' in node ? node.text : undefined),
    description: spec?.description ?? '', columns: columns(spec?.columns ?? []), meta: {}, group: null, docs: { show: true, node_color: null },
    patch_path: spec ? `${packageOf(project, node)}://${spec.location.file}` : null, build_path: null, unrendered_config: {}, created_at: Date.now() / 1000, doc_blocks: [],
    depends_on: { macros: [...new Set(calls.filter((c): c is string => c !== undefined))].sort(), nodes: parents },
  };
  const scan = node.kind === 'seed' ? undefined : node.scan;
  const code_ = {
    raw_code: node.kind === 'seed' ? '' : node.kind === 'test' && node.text === undefined ? testRawCode(node.spec?.name) : node.text ?? '',
    language: node.kind === 'model' && node.language ? node.language : 'sql',
    refs: (scan?.refs ?? []).map((r) => ({ name: r.name, package: r.package ?? null, version: null })),
    sources: (scan?.sources ?? []).map((s) => [s.source, s.table]), metrics: [],
    compiled_path: null, compiled: code !== undefined, ...(code !== undefined ? { compiled_code: code } : {}), extra_ctes_injected: code !== undefined, extra_ctes: [],
    contract: { enforced: node.kind === 'model' && node.config.contractEnforced, alias_types: true, checksum: null },
  };
  if (node.kind === 'seed') {
    const { schema, name } = splitRelation(node.relation);
    return { ...base, schema, alias: name, relation_name: quotedRelation(database, node.relation), tags: node.tags, root_path: project.root, depends_on: { macros: [] },
      config: { enabled: true, alias: null, schema: null, database: null, tags: node.tags, meta: {}, materialized: 'seed', delimiter: node.delimiter, column_types: node.columnTypes, quote_columns: null } };
  }
  if (node.kind === 'test') {
    const schema = `${project.config.target.schema || 'main'}_dbt_test__audit`;
    const config = { enabled: true, alias: null, schema: 'dbt_test__audit', database: null, tags: node.tags, meta: {}, materialized: 'test', severity: node.severity.toUpperCase(), where: node.spec?.where ?? null, fail_calc: 'count(*)', warn_if: '!= 0', error_if: '!= 0' };
    const generic = node.spec ? { column_name: node.spec.column ?? null, attached_node: node.attachedTo ? uniqueId(project, node.attachedTo) : null, test_metadata: { name: node.spec.name.split('.').pop()!, kwargs: { ...node.spec.args, ...(node.spec.column ? { column_name: node.spec.column } : {}) }, namespace: node.spec.name.includes('.') ? node.spec.name.split('.')[0] : null }, file_key_name: null } : {};
    return { ...base, ...code_, schema, alias: node.name, relation_name: null, tags: node.tags, config, ...generic };
  }
  return { ...base, ...code_, ...modelFields(node, database) };
}

function modelFields(node: ModelNode, database: string): Record<string, unknown> {
  const { schema, name } = splitRelation(node.relation);
  const c = node.config;
  const ephemeral = c.materialized === 'ephemeral';
  const config = {
    ...c.extra, enabled: c.enabled, alias: name === node.name ? null : name, schema, database: null, tags: c.tags, meta: {},
    materialized: c.customMaterialization ?? c.materialized, incremental_strategy: c.incrementalStrategy ?? null, unique_key: c.uniqueKey ? (c.uniqueKey.length === 1 ? c.uniqueKey[0] : c.uniqueKey) : null,
    on_schema_change: typeof c.extra.on_schema_change === 'string' ? c.extra.on_schema_change : 'ignore', contract: { enforced: c.contractEnforced, alias_types: true }, access: 'protected',
  };
  return {
    schema, alias: name, relation_name: ephemeral ? null : quotedRelation(database, node.relation), tags: c.tags, config, access: 'protected',
    constraints: (node.spec?.constraints ?? []).map(constraint), version: null, latest_version: null, deprecation_date: null, primary_key: [],
  };
}

function columns(list: ColumnSpec[]): Record<string, unknown> {
  return Object.fromEntries(list.map((c) => [c.name, {
    name: c.name, description: c.description ?? '', meta: {}, data_type: c.dataType ?? null, constraints: c.constraints.map(constraint),
    quote: null, tags: [], granularity: null, doc_blocks: [],
  }]));
}

const CONSTRAINT_TYPES = new Set(['check', 'not_null', 'unique', 'primary_key', 'foreign_key']);

function constraint(c: ColumnConstraint): Record<string, unknown> {
  return { type: CONSTRAINT_TYPES.has(c.type) ? c.type : 'custom', name: null, expression: c.expression ?? null, warn_unenforced: true, warn_unsupported: true, to: null, to_columns: [] };
}

/** What dbt stores as a generic test's raw code: the call of its test macro. */
function testRawCode(test: string | undefined): string {
  const [ns, name] = test?.includes('.') ? test.split('.') : [undefined, test ?? 'test'];
  return `{{ ${ns ? `${ns}.` : ''}test_${name}(**_dbt_generic_test_kwargs) }}`;
}

function sourceEntry(project: Project, node: Extract<GraphNode, { kind: 'source' }>, database: string): Record<string, unknown> {
  const name = project.config.name;
  const { schema, name: identifier } = splitRelation(node.relation);
  return {
    database, schema, name: node.table, resource_type: 'source', package_name: name, path: node.location.file, original_file_path: node.location.file,
    unique_id: uniqueId(project, node.id), fqn: [name, ...node.location.file.split('/').slice(1, -1), node.source, node.table], source_name: node.source,
    source_description: '', loader: node.path ? 'medallion' : '', identifier, quoting: { database: null, schema: null, identifier: null, column: null },
    loaded_at_field: null, loaded_at_query: null, freshness: null, external: null, description: node.description ?? '', columns: columns(node.columns),
    meta: {}, source_meta: {}, tags: [], config: { enabled: true, event_time: null, freshness: null, loaded_at_field: null, loaded_at_query: null, meta: {}, tags: [] },
    patch_path: null, unrendered_config: {}, relation_name: quotedRelation(database, node.relation), created_at: Date.now() / 1000, unrendered_database: null, unrendered_schema: null, doc_blocks: [],
  };
}

/** Each macro's unique_id by how templates call it: 'name' for the project's, 'package.name' for a package's. */
function macroIndex(project: Project): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of project.macros.values()) out.set(m.name, `macro.${project.config.name}.${m.name}`);
  for (const [pkg, list] of project.packageMacros) for (const m of list.values()) out.set(`${pkg}.${m.name}`, `macro.${pkg}.${m.name}`);
  return out;
}

function macros(project: Project, index: Map<string, string>): Record<string, unknown> {
  const entry = (m: MacroDef, pkg: string): [string, unknown] => {
    const id = index.get(pkg === project.config.name ? m.name : `${pkg}.${m.name}`)!;
    const dir = m.package ? project.config.packages.find((p) => p.name === m.package)?.dir : undefined;
    const file = dir ? m.file.slice(dir.length + 1) : m.file;
    return [id, {
      name: m.name, resource_type: 'macro', package_name: pkg, path: file, original_file_path: file, unique_id: id,
      macro_sql: project.macroFiles?.get(m.file)?.slice(m.range.start, m.range.end) ?? '', depends_on: { macros: [] }, description: m.description ?? '',
      meta: {}, docs: { show: true, node_color: null }, patch_path: null, arguments: [], created_at: Date.now() / 1000, supported_languages: null,
    }];
  };
  return Object.fromEntries([
    ...[...project.macros.values()].map((m) => entry(m, project.config.name)),
    ...[...project.packageMacros].flatMap(([pkg, list]) => [...list.values()].map((m) => entry(m, pkg))),
  ]);
}
