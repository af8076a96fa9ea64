// The connection part of a dbt-duckdb output in profiles.yml — `attach:`, `settings:`, `extensions:`,
// `external_root` — and dbt-duckdb's check that `database` names the warehouse file or an attachment.
import type { Diagnostic, DuckdbProfile, Range } from './types.js';
import { isObject } from './config.js';

export interface DuckdbProfileRead {
  value: DuckdbProfile;
  diagnostics: Diagnostic[];
}

/**
 * Reads the output's connection settings. `rangeOf` gives a key's position in profiles.yml (a file
 * outside the project is reported at `file` with an empty range). Never throws.
 */
export function readDuckdbProfile(output: Record<string, unknown>, path: string | undefined, file: string, rangeOf: (key: string) => Range): DuckdbProfileRead {
  const diagnostics: Diagnostic[] = [];
  const bad = (key: string, message: string): void => {
    diagnostics.push({ file, range: rangeOf(key), severity: 'error', message: `profiles.yml: ${message}`, code: 'dbt-profile' });
  };
  const value: DuckdbProfile = { attach: [], settings: {}, extensions: [], externalRoot: '.' };

  if (output.attach !== undefined && output.attach !== null) {
    if (!Array.isArray(output.attach)) bad('attach', "'attach' must be a list of {path, alias, read_only}");
    else
      output.attach.forEach((a: unknown, i) => {
        if (!isObject(a) || typeof a.path !== 'string' || a.path === '') return bad('attach', `attach[${i}] needs a 'path'`);
        value.attach.push({
          path: a.path,
          ...(typeof a.alias === 'string' && a.alias !== '' ? { alias: a.alias } : {}),
          readOnly: a.read_only === true,
          ...(typeof a.type === 'string' && a.type !== '' ? { type: a.type } : {}),
        });
      });
  }
  if (output.settings !== undefined && output.settings !== null) {
    if (!isObject(output.settings)) bad('settings', "'settings' must be a map of DuckDB settings");
    // dbt-duckdb sets each as a string (`SET key = 'value'`); DuckDB casts it to the setting's type.
    else for (const [k, v] of Object.entries(output.settings)) value.settings[k] = typeof v === 'string' ? v : pythonStr(v);
  }
  if (output.extensions !== undefined && output.extensions !== null) {
    if (!Array.isArray(output.extensions)) bad('extensions', "'extensions' must be a list of extension names");
    else
      for (const e of output.extensions) {
        // A {name, repo} entry is an install from another repository: a download, which never happens here.
        if (isObject(e)) bad('extensions', `extension '${String(e.name)}' from repository '${String(e.repo)}' would be downloaded; Medallion never downloads extensions`);
        else if (typeof e === 'string' && e !== '') value.extensions.push(e);
        else bad('extensions', `'extensions' has an entry that is not a name: ${JSON.stringify(e)}`);
      }
  }
  if (typeof output.external_root === 'string' && output.external_root !== '') value.externalRoot = output.external_root.replace(/\/+$/, '') || '/';

  // dbt-duckdb: `database` must be the warehouse file's name (its stem) or an attachment's alias.
  const database = output.database;
  if (typeof database === 'string' && database !== '') {
    const fromPath = databaseName(path);
    const aliases = value.attach.flatMap((a) => (a.alias ? [a.alias] : []));
    if (database !== fromPath && !aliases.includes(database)) {
      bad('database', `'database' is '${database}' but must be '${fromPath}' to match the 'path' (or the alias of an attached database)`);
    } else if (database !== fromPath) {
      bad('database', `'database: ${database}' builds every model into the attached database '${database}'; Medallion builds into the warehouse file only (not supported yet)`);
    }
  }
  return { value, diagnostics };
}

/** dbt-duckdb's database name for a path: the file's stem, 'memory' for an in-memory database. */
export function databaseName(path: string | undefined): string {
  if (path === undefined || path === '' || path === ':memory:') return 'memory';
  const base = path.replace(/\?.*$/, '').split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** How Python's str() prints a YAML scalar, which is what dbt-duckdb puts between the quotes. */
function pythonStr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  return String(v);
}
