// `--defer --state DIR`: another run's manifest.json names where each model and seed was built; an
// unselected model or seed that this run's refs need, and that does not exist in this warehouse,
// resolves to that relation instead (dbt's defer). Reading never throws: problems are messages.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { EngineSession } from '../engine/adapter.js';
import { qualified, splitRelation } from '../engine/sql.js';
import { walk } from '../graph/select.js';
import type { Project } from '../project/types.js';
import type { RunGraph } from './types.js';

/** Relations of the state's models and seeds, by Medallion node id ('model.orders'). */
export interface DeferState {
  dir: string;
  relations: Map<string, { database: string; schema: string; name: string }>;
}

/** Reads `<dir>/manifest.json`; the error says what is missing or unreadable. */
export async function readDeferState(dir: string): Promise<{ state?: DeferState; error?: string }> {
  const file = path.join(dir, 'manifest.json');
  let manifest: unknown;
  try {
    manifest = JSON.parse(await fsp.readFile(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? `--state ${dir} has no manifest.json (run or compile there first)` : `--state ${file} is not a manifest: ${(err as Error).message}` };
  }
  const nodes = (manifest as { nodes?: unknown })?.nodes;
  if (typeof nodes !== 'object' || nodes === null) return { error: `--state ${file} has no 'nodes': not a dbt manifest` };
  const relations: DeferState['relations'] = new Map();
  for (const node of Object.values(nodes as Record<string, Record<string, unknown>>)) {
    const type = node?.resource_type;
    if ((type !== 'model' && type !== 'seed') || typeof node.name !== 'string' || typeof node.schema !== 'string') continue;
    if ((node.config as { materialized?: unknown } | undefined)?.materialized === 'ephemeral') continue;
    const name = typeof node.alias === 'string' ? node.alias : node.name;
    relations.set(`${type}.${node.name}`, { database: typeof node.database === 'string' ? node.database : '', schema: node.schema, name });
  }
  return { state: { dir, relations } };
}

/**
 * The project as this run compiles it: each unselected model or seed upstream of `running` that is
 * missing from the warehouse takes the state's relation. `errors` name deferred relations in a
 * database the warehouse has not attached.
 */
export async function applyDefer(db: EngineSession, project: Project, graph: RunGraph, running: string[], state: DeferState): Promise<{ project: Project; deferred: string[]; errors: string[] }> {
  const selected = new Set(running);
  const upstream = walk(graph, running, 'parents', Infinity);
  const tables = await db.query(`select database_name as d, schema_name as s, table_name as t from duckdb_tables() union all select database_name, schema_name, view_name from duckdb_views() where not internal`);
  const current = String((await db.query('select current_database() as d')).rows[0]?.d ?? '');
  const exists = new Set(tables.rows.map((r) => `${String(r.d)}.${String(r.s)}.${String(r.t)}`.toLowerCase()));
  const attached = new Set((await db.query('select database_name as d from duckdb_databases()')).rows.map((r) => String(r.d)));
  const models = new Map(project.models);
  const seeds = new Map(project.seeds);
  const deferred: string[] = [];
  const errors: string[] = [];
  for (const id of upstream) {
    const node = graph.nodes.get(id);
    if (selected.has(id) || (node?.kind !== 'model' && node?.kind !== 'seed')) continue;
    if (node.kind === 'model' && node.config.materialized === 'ephemeral') continue;
    const { schema, name } = splitRelation(node.relation);
    if (exists.has(`${current}.${schema}.${name}`.toLowerCase())) continue;
    const target = state.relations.get(id);
    if (!target) continue;
    const database = target.database || current;
    if (!attached.has(database)) {
      errors.push(`--defer: ${node.name} was built in database '${database}' (${state.dir}/manifest.json), which this warehouse has not attached`);
      continue;
    }
    const relation = database === current ? qualified(target.schema, target.name) : qualified(database, target.schema, target.name);
    if (node.kind === 'model') models.set(node.name, { ...node, relation });
    else seeds.set(node.name, { ...node, relation });
    deferred.push(node.name);
  }
  return { project: deferred.length ? { ...project, models, seeds } : project, deferred, errors };
}
