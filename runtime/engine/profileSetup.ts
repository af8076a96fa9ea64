// What dbt-duckdb does to a fresh connection, from the profile: load extensions and attach databases
// once per warehouse, `SET` each setting on every connection; relative paths are the project's.
import * as path from 'node:path';
import type { DuckdbProfile } from '../project/types.js';
import { ident, literal } from './sql.js';

/** Statements run when the warehouse opens (`once`) and on each of its connections (`each`). */
export interface ConnectionSetup {
  once: Array<{ sql: string; what: string }>;
  each: string[];
  /** Folders the profile has SQL read or write besides the project: attached files' folders, external_root. */
  directories: string[];
}

/**
 * The setup for a project rooted at `root`. Relative file reads resolve against the project (DuckDB's
 * `file_search_path`), as they do for dbt run from the project folder.
 */
export function profileSetup(root: string, profile: DuckdbProfile | undefined): ConnectionSetup {
  const each = [`SET file_search_path = ${literal(root)}`];
  if (!profile) return { once: [], each, directories: [] };
  const once: ConnectionSetup['once'] = [];
  const directories = [path.resolve(root, profile.externalRoot)];
  for (const name of profile.extensions) once.push({ sql: `LOAD ${ident(name)}`, what: `extension '${name}'` });
  for (const a of profile.attach) {
    const file = a.path === ':memory:' || /^[a-z][\w+]*:/i.test(a.path) ? a.path : path.resolve(root, a.path);
    if (file !== a.path) directories.push(path.dirname(file));
    const options = [...(a.type ? [`TYPE ${a.type}`] : []), ...(a.readOnly ? ['READ_ONLY'] : [])];
    once.push({
      sql: `ATTACH IF NOT EXISTS ${literal(file)}${a.alias ? ` AS ${ident(a.alias)}` : ''}${options.length ? ` (${options.join(', ')})` : ''}`,
      what: `attached database '${a.path}'${a.alias ? ` (alias ${a.alias})` : ''}`,
    });
  }
  for (const [key, value] of Object.entries(profile.settings)) each.push(`SET ${ident(key)} = ${literal(value)}`);
  return { once, each, directories };
}

/** The error for a setup statement that failed: what the profile asked for, and why it could not be. */
export function setupError(what: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (what.startsWith('extension') && /not found|Extension .*(does not exist|not available)/i.test(message)) {
    return new Error(`The profile's ${what} is not available: Medallion's DuckDB has parquet, json, icu, core_functions and autocomplete built in, and never downloads extensions (httpfs included)`);
  }
  return new Error(`The profile's ${what} could not be set up: ${message.split('\n')[0]}`);
}
