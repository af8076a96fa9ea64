// How dbt names Medallion's nodes in its artifacts (manifest.json, run_results.json): unique ids,
// package, resource type, the path under the resource's folder, fqn and the database relation.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { qualified, splitRelation } from '../engine/sql.js';
import type { GraphNode } from '../graph/dag.js';
import type { Project } from '../project/types.js';

/** DuckDB names a database file's catalog by the file's name without its extension, as dbt-duckdb does. */
export function databaseOf(warehouse: string): string {
  if (warehouse === ':memory:' || warehouse === '') return 'memory';
  return path.basename(warehouse).replace(/\.[^.]*$/, '');
}

/** The package a node belongs to: an installed package's own model, else the project. */
export function packageOf(project: Project, node: GraphNode): string {
  return node.kind === 'model' && node.package ? node.package : project.config.name;
}

/**
 * dbt's unique_id of a Medallion node: 'model.orders' → 'model.shop.orders'. A generic test's id has
 * no hash suffix (dbt's is a hash of its arguments as Python prints them); readers match tests by name.
 */
export function uniqueId(project: Project, id: string, node?: GraphNode): string {
  const [kind, ...rest] = id.split('.');
  return [kind, node ? packageOf(project, node) : project.config.name, ...rest].join('.');
}

/** The folder a node's file is read from: its model, seed or test path (for a package's model, the package's). */
function rootOf(project: Project, node: Exclude<GraphNode, { kind: 'source' }>): string {
  const pkg = node.kind === 'model' && node.package ? project.config.packages.find((p) => p.name === node.package) : undefined;
  const roots = pkg ? pkg.modelPaths.map((mp) => `${pkg.dir}/${mp}`)
    : node.kind === 'model' ? project.config.modelPaths
    : node.kind === 'seed' ? project.config.seedPaths
    : project.config.testPaths;
  return [...roots].sort((a, b) => b.length - a.length).find((r) => node.file.startsWith(r + '/')) ?? '';
}

/** dbt's `path` (under the resource folder; a generic test's is `<name>.sql`), `original_file_path` and `fqn`. */
export function filePaths(project: Project, node: Exclude<GraphNode, { kind: 'source' }>): { path: string; original_file_path: string; fqn: string[] } {
  const pkg = node.kind === 'model' ? node.package : undefined;
  const pkgDir = pkg ? project.config.packages.find((p) => p.name === pkg)?.dir : undefined;
  const original = pkgDir ? node.file.slice(pkgDir.length + 1) : node.file;
  const root = rootOf(project, node);
  const rel = root ? node.file.slice(root.length + 1) : node.file;
  const dirs = rel.split('/').slice(0, -1);
  const generic = node.kind === 'test' && node.text === undefined;
  return { path: generic ? `${node.name}.sql` : rel, original_file_path: original, fqn: [packageOf(project, node), ...dirs, node.name] };
}

/** `"database"."schema"."name"` as dbt prints a relation. */
export function quotedRelation(database: string, relation: string): string {
  const { schema, name } = splitRelation(relation);
  return qualified(database, schema, name);
}

/** dbt's file checksum: sha256 of the file's text. */
export function checksum(text: string | undefined): { name: string; checksum: string } {
  return text === undefined ? { name: 'none', checksum: '' } : { name: 'sha256', checksum: createHash('sha256').update(text).digest('hex') };
}
