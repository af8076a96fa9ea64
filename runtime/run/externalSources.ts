// Before a model reads a dbt-duckdb external source, its files must exist: otherwise the error is
// the source's, at its `external_location` in the YAML, rather than DuckDB's inside the model.
import * as path from 'node:path';
import type { EngineSession } from '../engine/adapter.js';
import { literal } from '../engine/sql.js';
import type { Project, SourceTable } from '../project/types.js';
import type { NodeOutcome, RunGraph } from './types.js';

/** An error outcome for the first external source `id` reads (through ephemeral models) that matches no file. */
export async function missingExternalSource(db: EngineSession, project: Project, graph: RunGraph, id: string): Promise<NodeOutcome | undefined> {
  for (const source of externalParents(graph, id)) {
    const written = source.external!.path!;
    if (/^[a-z][\w+.-]*:\/\//i.test(written)) continue; // a URL: DuckDB says what is wrong with it
    const pattern = path.resolve(project.root, written);
    const found = Number((await db.query(`SELECT count(*) AS n FROM glob(${literal(pattern)})`)).rows[0].n);
    if (found > 0) continue;
    const message = `Source ${source.source}.${source.table}: its external_location '${written}' matches no file (looked for ${pattern})`;
    return { status: 'error', message, error: { ...source.external!.location, message } };
  }
  return undefined;
}

function externalParents(graph: RunGraph, id: string, seen = new Set<string>()): SourceTable[] {
  const out: SourceTable[] = [];
  for (const parent of graph.parents.get(id) ?? []) {
    if (seen.has(parent)) continue;
    seen.add(parent);
    const node = graph.nodes.get(parent);
    if (node?.kind === 'source' && node.external?.path !== undefined) out.push(node);
    if (node?.kind === 'model' && node.config.materialized === 'ephemeral') out.push(...externalParents(graph, parent, seen));
  }
  return out;
}
