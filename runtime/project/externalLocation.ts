// A source's dbt-duckdb `external_location` (meta or config, source- or table-level): formatted with
// the source's fields ({name}, {identifier}, …) and rendered as dbt-duckdb renders it for source().
import type { Diagnostic, ExternalLocation } from './types.js';
import { isObject } from './config.js';
import { get, rangeOf, toJs, type YamlNode } from './yamlDoc.js';

/** The fields a location template can name, as dbt-duckdb's SourceConfig.as_dict() gives them. */
export interface SourceFields {
  name: string;
  identifier: string;
  schema: string;
}

/**
 * The external location of one source table, or undefined when neither level sets one. Precedence as
 * in dbt: source meta < source config.meta < table meta < table config.meta < config (source, then table).
 */
export function externalLocation(file: string, source: YamlNode, table: YamlNode, fields: SourceFields, diagnostics: Diagnostic[]): ExternalLocation | undefined {
  const layers: YamlNode[] = [get(source, 'meta'), get(get(source, 'config'), 'meta'), get(table, 'meta'), get(get(table, 'config'), 'meta'), get(source, 'config'), get(table, 'config')];
  const merged: Record<string, unknown> = {};
  let at: YamlNode | undefined;
  for (const layer of layers) {
    const value = toJs(layer);
    if (!isObject(value)) continue;
    Object.assign(merged, value);
    if ('external_location' in value) at = get(layer, 'external_location');
  }
  const template = merged.external_location;
  if (at === undefined || template === undefined || template === null) return undefined;
  const location = { file, range: rangeOf(at) };
  const fail = (message: string): undefined => {
    diagnostics.push({ file, range: location.range, severity: 'error', message, code: 'external-location' });
    return undefined;
  };
  if (typeof template !== 'string' || template.trim() === '') return fail("'external_location' must be a path, a glob or a reader call");
  const values: Record<string, unknown> = { ...merged, ...fields };
  const formatter = merged.formatter ?? 'newstyle';
  const formatted = formatter === 'newstyle' ? newStyle(template, values) : formatter === 'oldstyle' ? oldStyle(template, values) : formatter === 'template' ? templateStyle(template, values) : { error: `Formatter '${String(formatter)}' is not one of newstyle, oldstyle, template` };
  if ('error' in formatted) return fail(`external_location '${template}': ${formatted.error}`);
  const text = formatted.text;
  // dbt-duckdb quotes a plain path; a reader call or an already quoted path is used as written.
  if (text.includes('(')) return { sql: text, location };
  if (text.startsWith("'")) return { sql: text, path: text.replace(/^'|'$/g, ''), location };
  return { sql: `'${text}'`, path: text, location };
}

type Formatted = { text: string } | { error: string };

/** Python's str.format_map: `{key}` replaced, `{{`/`}}` literal braces. */
function newStyle(template: string, values: Record<string, unknown>): Formatted {
  let missing: string | undefined;
  const text = template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (all, key: string | undefined) => {
    if (all === '{{') return '{';
    if (all === '}}') return '}';
    const name = key!.split(/[!:]/)[0];
    if (!(name in values)) missing ??= name;
    return pyStr(values[name]);
  });
  return missing !== undefined ? { error: `'{${missing}}' names no field of the source (name, identifier, schema or a meta key)` } : { text };
}

/** Python's `%` with a mapping: `%(key)s`. */
function oldStyle(template: string, values: Record<string, unknown>): Formatted {
  let missing: string | undefined;
  const text = template.replace(/%%|%\((\w+)\)s/g, (all, key: string | undefined) => {
    if (all === '%%') return '%';
    if (!(key! in values)) missing ??= key;
    return pyStr(values[key!]);
  });
  return missing !== undefined ? { error: `'%(${missing})s' names no field of the source` } : { text };
}

/** Python's string.Template.substitute: `$key`, `${key}`, `$$`. */
function templateStyle(template: string, values: Record<string, unknown>): Formatted {
  let missing: string | undefined;
  const text = template.replace(/\$\$|\$\{(\w+)\}|\$(\w+)/g, (all, braced: string | undefined, bare: string | undefined) => {
    if (all === '$$') return '$';
    const key = (braced ?? bare)!;
    if (!(key in values)) missing ??= key;
    return pyStr(values[key]);
  });
  return missing !== undefined ? { error: `'$${missing}' names no field of the source` } : { text };
}

function pyStr(v: unknown): string {
  if (v === undefined || v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * What a model reads for an external source: dbt-duckdb's text, with a relative path made absolute
 * against the project (dbt resolves it from the folder it runs in; a run here may start anywhere, and
 * its file access is confined to absolute folders).
 */
export function externalRead(external: ExternalLocation, root: string): string {
  const p = external.path;
  if (p === undefined || p.startsWith('/') || /^[a-z]:[\\/]|^[a-z][\w+.-]*:\/\//i.test(p)) return external.sql;
  return `'${root.replace(/\/$/, '')}/${p.replace(/^\.\//, '').replace(/'/g, "''")}'`;
}
