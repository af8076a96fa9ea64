// dbt's `graph` context variable: every model, seed and test under `nodes` and every source under
// `sources`, keyed by dbt's unique ids (`model.<project>.<name>`), with the fields packages read
// (name, resource_type, config, tags, columns, depends_on, original_file_path). Built once per project.
import { splitRelation } from '../engine/sql.js';
import type { ColumnSpec, Project } from '../project/types.js';

const graphs = new WeakMap<Project, Record<string, unknown>>();

function columns(specs: ColumnSpec[] | undefined): Record<string, unknown> {
  return Object.fromEntries((specs ?? []).map((c) => [c.name, { name: c.name, description: c.description ?? '', data_type: c.dataType ?? null, meta: {}, tags: [] }]));
}

export function dbtGraph(project: Project): Record<string, unknown> {
  const cached = graphs.get(project);
  if (cached) return cached;
  const name = project.config.name;
  const uid = (id: string): string => {
    const [kind, ...rest] = id.split('.');
    return `${kind}.${name}.${rest.join('.')}`;
  };
  const nodes: Record<string, unknown> = {};
  for (const m of project.models.values()) {
    const { schema, name: identifier } = splitRelation(m.relation);
    nodes[uid(m.id)] = {
      unique_id: uid(m.id), name: m.name, resource_type: 'model', package_name: name, original_file_path: m.file, path: m.file,
      schema, alias: identifier, database: 'memory', tags: m.config.tags, description: m.description ?? '',
      config: { ...m.config.extra, materialized: m.config.materialized, tags: m.config.tags, enabled: m.config.enabled, schema: m.config.schema ?? null, unique_key: m.config.uniqueKey ?? null },
      columns: columns(m.spec?.columns), depends_on: { nodes: [], macros: [] }, raw_code: m.text,
    };
  }
  for (const s of project.seeds.values()) {
    const { schema, name: identifier } = splitRelation(s.relation);
    nodes[uid(s.id)] = { unique_id: uid(s.id), name: s.name, resource_type: 'seed', package_name: name, original_file_path: s.file, schema, alias: identifier, database: 'memory', tags: s.tags, config: { tags: s.tags, column_types: s.columnTypes }, columns: columns(s.spec?.columns), depends_on: { nodes: [] } };
  }
  for (const t of project.tests.values()) {
    nodes[uid(t.id)] = { unique_id: uid(t.id), name: t.name, resource_type: 'test', package_name: name, original_file_path: t.file, tags: t.tags, config: { severity: t.severity, tags: t.tags }, depends_on: { nodes: t.attachedTo ? [uid(t.attachedTo)] : [] } };
  }
  const sources: Record<string, unknown> = {};
  for (const s of project.sources.values()) {
    const { schema, name: identifier } = splitRelation(s.relation);
    const id = `source.${name}.${s.source}.${s.table}`;
    sources[id] = { unique_id: id, name: s.table, source_name: s.source, identifier, schema, database: 'memory', resource_type: 'source', package_name: name, description: s.description ?? '', config: { enabled: true }, columns: columns(s.columns), meta: {}, tags: [] };
  }
  const graph = { nodes, sources, exposures: {}, metrics: {}, groups: {}, semantic_models: {}, saved_queries: {} };
  graphs.set(project, graph);
  return graph;
}
