// Completion in YAML: pipeline.yml keys and values from its JSON Schema; dbt schema files' keys,
// model and column names, generic test names (built-in and the project's {% test %} blocks) and DuckDB types.
import schema from '../../../runtime/project/pipeline.schema.json';
import type { Range } from '../../../runtime/project/types.js';
import type { Snapshot } from './snapshot.js';
import type { Completion } from './types.js';
import { yamlPath, type YamlPath } from './yamlPath.js';
import { GENERIC_TESTS } from '../../../runtime/compile/tests.js';
import { CONFIG_KEYS, DUCKDB_TYPES, SCHEMA_KEYS } from './vocabulary.js';

export function completeYaml(snap: Snapshot, file: string, text: string, offset: number): Completion[] {
  const path = yamlPath(text, offset);
  if (file === 'pipeline.yml' || file === 'pipeline.yaml') return completePipeline(path);
  if (/(^|\/)dbt_project\.ya?ml$/.test(file)) return [];
  return completeSchemaFile(snap, path);
}

// ---------------------------------------------------------------------------
// pipeline.yml, driven by the JSON Schema.

interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
}

const root = schema as JsonSchema;

function resolve(s: JsonSchema): JsonSchema {
  let current = s;
  for (let i = 0; current.$ref && i < 20; i++) {
    const target = current.$ref.replace(/^#\//, '').split('/').reduce<any>((o, k) => o?.[k], root);
    if (!target) break;
    current = target;
  }
  return current;
}

/** The alternatives a schema allows (oneOf/anyOf/allOf flattened), each resolved. */
function variants(s: JsonSchema): JsonSchema[] {
  const r = resolve(s);
  const subs = [...(r.oneOf ?? []), ...(r.anyOf ?? []), ...(r.allOf ?? [])];
  return subs.length ? [r, ...subs.flatMap(variants)] : [r];
}

function child(s: JsonSchema, key: string): JsonSchema[] {
  return variants(s).flatMap((v) => {
    if (key === '-') return v.items ? [v.items] : [];
    if (v.properties?.[key]) return [v.properties[key]];
    for (const [pattern, p] of Object.entries(v.patternProperties ?? {})) if (new RegExp(pattern).test(key)) return [p];
    return typeof v.additionalProperties === 'object' ? [v.additionalProperties] : [];
  });
}

function at(keys: string[]): JsonSchema[] {
  let current: JsonSchema[] = [root];
  for (const key of keys) current = current.flatMap((s) => child(s, key));
  return current;
}

function completePipeline(path: YamlPath): Completion[] {
  if (path.position === 'value') {
    const schemas = at([...path.keys, path.key!]).flatMap(variants);
    const values = new Set<string>();
    for (const s of schemas) {
      for (const e of s.enum ?? []) values.add(String(e));
      if (s.const !== undefined) values.add(String(s.const));
      if (s.type === 'boolean') ['true', 'false'].forEach((v) => values.add(v));
    }
    if (path.key === 'type') DUCKDB_TYPES.forEach((t) => values.add(t));
    return [...values].map((v) => ({ label: v, kind: path.key === 'type' ? 'type' : 'value', range: path.range }));
  }
  const items: Completion[] = [];
  const seen = new Set(path.siblings);
  for (const s of at(path.keys).flatMap(variants)) {
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      if (seen.has(name)) continue;
      seen.add(name);
      const description = resolve(prop).description ?? prop.description;
      items.push({ label: name, kind: 'property', insertText: `${name}: `, range: path.range, ...(description ? { documentation: description } : {}) });
    }
  }
  return items;
}

/** The JSON Schema's description of the pipeline.yml key under the cursor. */
export function pipelineKeyHover(text: string, offset: number): { markdown: string; range: Range } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  const m = /^(\s*(?:- +)?)([\w.-]+)\s*:/.exec(line);
  if (!m) return undefined;
  const start = lineStart + m[1].length;
  const range = { start, end: start + m[2].length };
  if (offset < range.start || offset > range.end) return undefined;
  const path = yamlPath(text, range.start);
  const description = at([...path.keys, m[2]]).map((s) => resolve(s).description).find((d) => d);
  return description ? { markdown: `**${m[2]}** — ${description}`, range } : undefined;
}

// ---------------------------------------------------------------------------
// dbt schema files (models/**/*.yml).

function completeSchemaFile(snap: Snapshot, path: YamlPath): Completion[] {
  const collection = [...path.keys].reverse().find((k) => k !== '-' && k in SCHEMA_KEYS) ?? '';
  const parent = [...path.keys].reverse().find((k) => k !== '-');
  const inTests = parent === 'data_tests' || parent === 'tests';
  if (path.position === 'item' && inTests) {
    // The built-ins, then the project's own `{% test %}` blocks (macros test_<name>; one named like a built-in replaces it), then packages'.
    const own = [...snap.project.macros.values()].filter((m) => m.name.startsWith('test_') && m.name.length > 5);
    const builtins = GENERIC_TESTS.filter((t) => !own.some((m) => m.name === `test_${t}`)).map((t): Completion => ({ label: t, kind: 'test', range: path.range }));
    return [
      ...builtins,
      ...own.map((m): Completion => ({
        label: m.name.slice(5), kind: 'test', range: path.range, detail: `test(${m.params.join(', ')}) · ${m.file}`,
        ...(m.description ? { documentation: m.description } : {}),
      })),
      // Installed packages' tests, as `pkg.name`.
      ...[...snap.project.packageMacros].flatMap(([pkg, macros]) =>
        [...macros.values()]
          .filter((m) => m.name.startsWith('test_') && m.name.length > 5)
          .map((m): Completion => ({ label: `${pkg}.${m.name.slice(5)}`, kind: 'test', range: path.range, detail: `test(${m.params.join(', ')}) · ${m.file}` })),
      ),
    ];
  }
  if (path.position === 'value') {
    if (path.key === 'data_type' || path.key === 'type' && collection === 'columns') {
      return DUCKDB_TYPES.map((t) => ({ label: t, kind: 'type', range: path.range }));
    }
    if (path.key === 'name' && collection === 'models') {
      return [...snap.project.models.values()].map((m) => ({
        label: m.name, kind: 'model', range: path.range, detail: [m.layer, m.file].filter(Boolean).join(' · '),
      }));
    }
    if (path.key === 'name' && collection === 'columns') {
      const model = enclosingModel(snap, path);
      return model ? snap.columns(model).map((c) => ({ label: c.name, kind: 'column', range: path.range, ...(c.type ? { detail: c.type } : {}) })) : [];
    }
    if (path.key === 'to' || path.key === 'relation') {
      const refs = [...snap.project.models.values(), ...snap.project.seeds.values()].map((m): Completion => ({ label: `ref('${m.name}')`, kind: 'model', range: path.range }));
      // A YAML snapshot's relation may be a source too.
      const sources = path.key === 'relation' ? [...snap.project.sources.values()].map((s): Completion => ({ label: `source('${s.source}', '${s.table}')`, kind: 'model', range: path.range })) : [];
      return [...refs, ...sources];
    }
    const config = CONFIG_KEYS.find((k) => k.name === path.key);
    return (config?.values ?? (path.key === 'enforced' ? ['true', 'false'] : [])).map((v) => ({ label: v, kind: 'value', range: path.range }));
  }
  const keys = SCHEMA_KEYS[parent && parent in SCHEMA_KEYS ? parent : collection] ?? [];
  const seen = new Set(path.siblings);
  return keys.filter((k) => !seen.has(k)).map((k) => ({ label: k, kind: 'property', insertText: `${k}: `, range: path.range }));
}

/** The model whose `columns:` list the cursor is in, from the model entry's `name:` in the text. */
function enclosingModel(snap: Snapshot, path: YamlPath): string | undefined {
  const modelItem = path.keys.indexOf('models') + 1;
  const name = modelItem > 0 ? path.itemNames[path.keys.slice(0, modelItem + 1).filter((k) => k === '-').length - 1] : undefined;
  return name ? snap.model(name)?.id : undefined;
}
