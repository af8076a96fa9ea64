// Parses the project's config file: pipeline.yml (validated against pipeline.schema.json with ajv,
// errors mapped onto YAML ranges) or an existing dbt project's dbt_project.yml. Never throws.
import Ajv, { type ErrorObject } from 'ajv';
import schema from './pipeline.schema.json';
import { asList, checkConfig, didYouMean, isObject, suggest } from './config.js';
import { relation as relationName } from '../engine/sql.js';
import { parseFreshness } from './freshness.js';
import type { ParsedConfig } from './summary.js';
import type { ColumnSpec, Diagnostic, FolderConfig, LakeConfig, ProjectConfig, Range, Result, SourceFormat, SourceTable } from './types.js';
import { get, getPair, nodeAt, pairsOf, parseYaml, rangeOf, toJs, valueWithFloats, type YamlNode } from './yamlDoc.js';
import { checkPathText, pathRefs, type PathRef } from './paths.js';
import { parseTests } from './schemaFile.js';
import { applyPipelineTarget } from './targets.js';

export function defaultConfig(file: string, format: 'pipeline' | 'dbt'): ProjectConfig {
  return {
    name: 'project',
    format,
    file,
    lake: { kind: 'local', path: './lake' },
    warehouse: './warehouse.duckdb',
    threads: 4,
    vars: {},
    modelPaths: ['models'],
    seedPaths: ['seeds'],
    macroPaths: ['macros'],
    testPaths: ['tests'],
    snapshotPaths: ['snapshots'],
    folderConfigs: [],
    target: { name: 'dev', type: 'duckdb', schema: 'main', threads: 4 },
    layers: ['bronze', 'silver', 'gold'],
    packagesInstallPath: 'dbt_packages',
    packages: [],
    dispatch: [],
    targetPath: 'target',
    logPath: 'logs',
    cleanTargets: ['target'],
  };
}

/** dbt's folder keys: sources of the project, so inside it. */
const PROJECT_FOLDERS = ['model-paths', 'seed-paths', 'macro-paths', 'test-paths', 'analysis-paths', 'snapshot-paths', 'docs-paths', 'asset-paths', 'packages-install-path'];
/** dbt's output folders, which may be written as absolute paths. */
const OUTPUT_FOLDERS = ['target-path', 'log-path'];

/** The folder paths a config file names. */
function folderRefs(file: string, root: YamlNode): PathRef[] {
  return [
    ...PROJECT_FOLDERS.flatMap((key) => pathRefs(file, get(root, key), key, 'project', false)),
    ...OUTPUT_FOLDERS.flatMap((key) => pathRefs(file, get(root, key), key, 'project', true)),
  ];
}

/** Runs the text check on each path, its problems going to `diagnostics`. */
function checked(refs: PathRef[], diagnostics: Diagnostic[]): PathRef[] {
  for (const ref of refs) {
    const problem = checkPathText(ref);
    if (problem) diagnostics.push(problem);
  }
  return refs;
}

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(value: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);
  return validator(value) ? [] : (validator.errors ?? []);
}

export function parsePipelineConfig(file: string, text: string): Result<ParsedConfig> {
  const config = defaultConfig(file, 'pipeline');
  const { root, diagnostics } = parseYaml(file, text);
  const value = toJs(root);
  if (!isObject(value)) {
    if (!diagnostics.some((d) => d.severity === 'error')) {
      diagnostics.push({ file, range: rangeOf(root), severity: 'error', message: 'pipeline.yml must be a map with at least `name:`', code: 'bad-config-file' });
    }
    return { value: { config, sources: [], ok: false }, diagnostics };
  }
  for (const e of validate(value)) diagnostics.push(schemaDiagnostic(file, root, e));

  if (typeof value.name === 'string') config.name = value.name;
  config.lake = lakeConfig(value.lake);
  diagnostics.push(...credentialConflicts(file, root));
  if (typeof value.warehouse === 'string') config.warehouse = value.warehouse;
  if (typeof value.threads === 'number' && value.threads >= 1) config.threads = Math.floor(value.threads);
  if (typeof value.python === 'string' && value.python.trim() !== '') config.python = value.python.trim();
  if (isObject(value.vars)) config.vars = valueWithFloats(get(root, 'vars'), text) as Record<string, unknown>;
  if (isObject(value.targets)) config.targets = value.targets;
  if (Array.isArray(value.layers)) config.layers = asList(value.layers);
  if (isObject(value.render)) config.renderLimits = renderLimits(value.render.timeout_seconds, value.render.max_output_mb);
  readPaths(config, value);
  config.target = { name: 'dev', type: 'duckdb', schema: 'main', threads: config.threads };
  config.folderConfigs = [];
  for (const mp of config.modelPaths) walkFolderConfigs(file, unscoped(get(root, 'models'), config.name), mp, config.folderConfigs, diagnostics);
  for (const sp of config.seedPaths) walkFolderConfigs(file, unscoped(get(root, 'seeds'), config.name), sp, config.folderConfigs, diagnostics);

  const sources: SourceTable[] = [];
  const lake = get(root, 'lake');
  const paths = [
    ...pathRefs(file, lake, 'lake', 'project', true),
    ...pathRefs(file, get(lake, 'path'), 'lake.path', 'project', true),
    ...pathRefs(file, get(root, 'warehouse'), 'warehouse', 'project', true),
  ];
  for (const p of pairsOf(get(root, 'sources'))) {
    const src = toJs(p.value);
    if (!isObject(src)) continue;
    sources.push(pipelineSource(file, p.key, p.keyRange, p.value, src, diagnostics));
    paths.push(...pathRefs(file, get(p.value, 'path'), `sources.${p.key}.path`, 'lake', false));
  }
  paths.push(...folderRefs(file, root));
  const ok = !diagnostics.some((d) => d.code === 'yaml-syntax' && d.severity === 'error');
  return { value: { config, sources, ok, paths: checked(paths, diagnostics) }, diagnostics };
}

function pipelineSource(file: string, key: string, keyRange: Range, node: YamlNode, src: Record<string, unknown>, diagnostics: Diagnostic[]): SourceTable {
  const columns: ColumnSpec[] = [];
  for (const c of pairsOf(get(node, 'columns'))) {
    const col = toJs(c.value);
    const spec = isObject(col) ? col : {};
    const location = { file, range: c.keyRange };
    const tests = [
      ...parseTests(file, get(c.value, 'tests'), c.key, diagnostics),
      ...parseTests(file, get(c.value, 'data_tests'), c.key, diagnostics),
    ];
    columns.push({
      name: c.key,
      dataType: typeof spec.type === 'string' ? spec.type : undefined,
      description: typeof spec.description === 'string' ? spec.description : undefined,
      required: spec.required === true,
      constraints: spec.required === true ? [{ type: 'not_null' }] : [],
      tests,
      location,
    });
  }
  const format = ['json', 'csv', 'parquet'].includes(String(src.format)) ? (src.format as SourceFormat) : 'json';
  if (columns.length > 0) diagnostics.push(...unknownDedupeColumns(file, key, get(node, 'dedupe_on'), columns));
  return {
    kind: 'source',
    id: `source.bronze.${key}`,
    source: 'bronze',
    table: key,
    description: typeof src.description === 'string' ? src.description : undefined,
    format,
    path: typeof src.path === 'string' ? src.path : undefined,
    columns,
    dedupeOn: asList(src.dedupe_on),
    options: isObject(src.options) ? src.options : {},
    tests: [...parseTests(file, get(node, 'tests'), undefined, diagnostics), ...parseTests(file, get(node, 'data_tests'), undefined, diagnostics)],
    relation: relationName('bronze', key),
    location: { file, range: keyRange },
    ...freshnessOf(file, node, diagnostics),
  };
}

/** A bronze source's loaded_at_field and freshness; without loaded_at_field its last load time is checked. */
function freshnessOf(file: string, node: YamlNode, diagnostics: Diagnostic[]): Pick<SourceTable, 'freshness'> {
  const freshness = parseFreshness(file, node, undefined, diagnostics);
  return freshness.loadedAtField || freshness.threshold ? { freshness } : {};
}

/** dedupe_on entries that are not declared columns (with no declared columns, the load checks the files'). */
function unknownDedupeColumns(file: string, key: string, node: YamlNode, columns: ColumnSpec[]): Diagnostic[] {
  const names = columns.map((c) => c.name);
  return (node?.kind === 'seq' ? node.items : node ? [node] : [])
    .filter((item) => typeof item.value === 'string' && !names.includes(item.value))
    .map((item) => ({ file, range: rangeOf(item), severity: 'error' as const, message: `dedupe_on names '${String(item.value)}', which is not a column of the source ${key} (${names.join(', ')})`, code: 'unknown-column' }));
}

function lakeConfig(v: unknown): LakeConfig {
  if (typeof v === 'string') return { kind: 'local', path: v };
  if (isObject(v) && isObject(v.s3)) {
    const s3 = v.s3;
    return {
      kind: 's3',
      endpoint: typeof s3.endpoint === 'string' ? s3.endpoint : undefined,
      bucket: typeof s3.bucket === 'string' ? s3.bucket : '',
      prefix: typeof s3.prefix === 'string' ? s3.prefix : '',
      region: typeof s3.region === 'string' ? s3.region : 'us-east-1',
      forcePathStyle: s3.force_path_style !== false,
      accessKeyEnv: typeof s3.access_key_env === 'string' ? s3.access_key_env : 'AWS_ACCESS_KEY_ID',
      secretKeyEnv: typeof s3.secret_key_env === 'string' ? s3.secret_key_env : 'AWS_SECRET_ACCESS_KEY',
      ...(typeof s3.profile === 'string' ? { profile: s3.profile } : {}),
    };
  }
  if (isObject(v) && typeof v.path === 'string') return { kind: 'local', path: v.path };
  return { kind: 'local', path: './lake' };
}

/** Credentials come from one place: a profile, or the two variables; naming both is an error on each. */
function credentialConflicts(file: string, root: YamlNode): Diagnostic[] {
  const s3 = get(get(root, 'lake'), 's3');
  const profile = getPair(s3, 'profile');
  if (!profile) return [];
  return ['access_key_env', 'secret_key_env'].flatMap((key) => {
    const pair = getPair(s3, key);
    if (!pair) return [];
    return [{
      file,
      range: pair.keyRange,
      severity: 'error' as const,
      message: `'lake.s3.${key}' and 'lake.s3.profile' both name where the credentials come from; keep one (the profile reads the user's ~/.aws/credentials, the variables the environment)`,
      code: 'credential-conflict',
    }];
  });
}

function readPaths(config: ProjectConfig, value: Record<string, unknown>): void {
  const paths = (key: string, fallback: string[]): string[] => {
    const list = asList(value[key]).map((p) => p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, ''));
    return list.length > 0 ? list : fallback;
  };
  config.modelPaths = paths('model-paths', ['models']);
  config.seedPaths = paths('seed-paths', ['seeds']);
  config.macroPaths = paths('macro-paths', ['macros']);
  config.testPaths = paths('test-paths', ['tests']);
  config.snapshotPaths = paths('snapshot-paths', ['snapshots']);
  const folder = (key: string, fallback: string): string => {
    const v = value[key];
    return typeof v === 'string' && v.trim() !== '' ? v.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '') : fallback;
  };
  config.targetPath = folder('target-path', 'target');
  config.logPath = folder('log-path', 'logs');
  config.cleanTargets = paths('clean-targets', [config.targetPath]);
}

/** pipeline.yml folder configs may be written dbt's way, under the project's name: `models: { shop: { silver: ... } }`. */
function unscoped(node: YamlNode, name: string): YamlNode {
  const pairs = pairsOf(node);
  return pairs.length === 1 && pairs[0].key === name && pairs[0].value?.kind === 'map' ? pairs[0].value : node;
}

const CONFIG_KEYS_WITHOUT_PLUS = new Set(['materialized', 'tags', 'schema', 'enabled', 'unique_key', 'incremental_strategy', 'layer', 'partition_by', 'contract', 'column_types', 'alias', 'persist_docs', 'full_refresh', 'meta', 'docs', 'grants', 'on_schema_change', 'quote_columns', 'delimiter']);

/**
 * dbt's folder configs: keys starting with '+' (or known config names with scalar values) configure
 * the folder `path`; other map-valued keys are subfolders. Each folder's config is checked in place.
 */
function walkFolderConfigs(file: string, node: YamlNode, path: string, out: FolderConfig[], diagnostics: Diagnostic[]): void {
  const config: Record<string, unknown> = {};
  const ranges: Record<string, Range> = {};
  const subfolders: Array<{ key: string; value: YamlNode }> = [];
  for (const p of pairsOf(node)) {
    const isMapValue = p.value?.kind === 'map';
    if (p.key.startsWith('+') || (CONFIG_KEYS_WITHOUT_PLUS.has(p.key) && (!isMapValue || p.key === 'contract' || p.key === 'column_types' || p.key === 'meta'))) {
      const key = p.key.replace(/^\+/, '');
      config[key] = p.value ? toJs(p.value) : null;
      ranges[key] = rangeOf(p.value);
    } else {
      subfolders.push({ key: p.key, value: p.value });
    }
  }
  if (Object.keys(config).length > 0) {
    diagnostics.push(...checkConfig(file, config, (k) => ranges[k] ?? { start: 0, end: 0 }));
    out.push({ path, config, ranges });
  }
  for (const s of subfolders) walkFolderConfigs(file, s.value, `${path}/${s.key}`, out, diagnostics);
}

export function parseDbtProject(file: string, text: string): Result<ParsedConfig> {
  const config = defaultConfig(file, 'dbt');
  const { root, diagnostics } = parseYaml(file, text);
  const value = toJs(root);
  if (!isObject(value)) {
    if (!diagnostics.some((d) => d.severity === 'error')) {
      diagnostics.push({ file, range: rangeOf(root), severity: 'error', message: 'dbt_project.yml must be a map with at least `name:`', code: 'bad-config-file' });
    }
    return { value: { config, sources: [], ok: false }, diagnostics };
  }
  if (typeof value.name === 'string') config.name = value.name;
  else diagnostics.push({ file, range: { start: 0, end: 0 }, severity: 'error', message: "dbt_project.yml has no 'name'", code: 'bad-config-file' });
  readPaths(config, value);
  if (typeof value.profile === 'string' && value.profile !== '') config.profile = value.profile;
  if (typeof value['packages-install-path'] === 'string' && value['packages-install-path'].trim() !== '') {
    config.packagesInstallPath = value['packages-install-path'].replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  }
  // dispatch: [{ macro_namespace: dbt_utils, search_order: [my_project, dbt_utils] }]
  if (Array.isArray(value.dispatch)) {
    for (const d of value.dispatch) {
      if (isObject(d) && typeof d.macro_namespace === 'string') config.dispatch.push({ macroNamespace: d.macro_namespace, searchOrder: asList(d.search_order) });
    }
  }
  // dbt vars may be global or scoped to a project name; the project's own scope wins.
  if (isObject(value.vars)) {
    const vars = valueWithFloats(get(root, 'vars'), text) as Record<string, unknown>;
    const scoped = isObject(vars[config.name]) ? (vars[config.name] as Record<string, unknown>) : {};
    config.vars = { ...Object.fromEntries(Object.entries(vars).filter(([k]) => k !== config.name)), ...scoped };
  }
  config.folderConfigs = [];
  for (const [section, paths] of [['models', config.modelPaths], ['seeds', config.seedPaths], ['snapshots', config.snapshotPaths]] as const) {
    const sectionNode = get(root, section);
    for (const p of pairsOf(sectionNode)) {
      if (p.key.startsWith('+') || CONFIG_KEYS_WITHOUT_PLUS.has(p.key)) continue;
      if (p.key !== config.name) continue; // other packages' configs do not apply here
      for (const base of paths) walkFolderConfigs(file, p.value, base, config.folderConfigs, diagnostics);
    }
    // Project-wide '+key' entries directly under models:/seeds: apply to every folder.
    const top: Record<string, unknown> = {};
    for (const p of pairsOf(sectionNode)) if (p.key.startsWith('+')) top[p.key.slice(1)] = p.value ? toJs(p.value) : null;
    if (Object.keys(top).length > 0) for (const base of paths) config.folderConfigs.unshift({ path: base, config: top });
  }
  config.runHooks = runHooks(root);
  const paths = checked(folderRefs(file, root), diagnostics);
  const ok = !diagnostics.some((d) => d.code === 'yaml-syntax' && d.severity === 'error');
  return { value: { config, sources: [], ok, paths }, diagnostics };
}

/** `on-run-start` / `on-run-end` (also dbt's older `on_run_start`): a string or a list, kept as written. */
function runHooks(root: YamlNode): ProjectConfig['runHooks'] {
  const read = (key: string): { list: unknown[]; range?: Range } => {
    const pair = getPair(root, key) ?? getPair(root, key.replace(/-/g, '_'));
    const v = pair?.value ? toJs(pair.value) : undefined;
    return { list: v === undefined || v === null ? [] : Array.isArray(v) ? v : [v], range: pair ? rangeOf(pair.value) : undefined };
  };
  const start = read('on-run-start');
  const end = read('on-run-end');
  return { start: start.list, end: end.list, ranges: { start: start.range, end: end.range } };
}

/** One ajv error as a diagnostic on the YAML: unknown keys on the key, everything else on the value. */
function schemaDiagnostic(file: string, root: YamlNode, e: ErrorObject): Diagnostic {
  const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const { node, keyRange } = nodeAt(root, segments);
  const where = segments.length > 0 ? ` in '${segments.join('.')}'` : '';
  const d = (range: Range, message: string, code: string, data?: Record<string, unknown>): Diagnostic => ({ file, range, severity: 'error', message, code, data });
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: Record<string, unknown> })?.properties ?? {});
      const s = suggest(key, allowed);
      const range = getPair(node, key)?.keyRange ?? rangeOf(node);
      return d(range, `Unknown key '${key}'${where}${didYouMean(s)}`, 'unknown-key', s ? { suggestion: s } : undefined);
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      return d(keyRange ?? firstKeyRange(root), `Missing required key '${key}'${where}`, 'missing-key');
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const s = typeof e.data === 'string' ? suggest(e.data, allowed) : undefined;
      return d(rangeOf(node), `'${String(e.data)}' is not allowed${where}: expected one of ${allowed.join(', ')}${didYouMean(s)}`, 'bad-value', s ? { suggestion: s } : undefined);
    }
    default:
      return d(rangeOf(node), `${segments.length > 0 ? `'${segments.join('.')}'` : 'pipeline.yml'} ${e.message ?? 'is invalid'}`, 'bad-value');
  }
}

function firstKeyRange(root: YamlNode): Range {
  return pairsOf(root)[0]?.keyRange ?? { start: 0, end: 0 };
}

/** Render budgets from seconds and MiB (positive numbers only; anything else keeps the default). */
export function renderLimits(timeoutSeconds: unknown, maxOutputMb: unknown): { timeoutMs?: number; maxOutput?: number } {
  const positive = (v: unknown): number | undefined => {
    const n = typeof v === 'string' ? Number(v) : v;
    return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const seconds = positive(timeoutSeconds);
  const mb = positive(maxOutputMb);
  return { ...(seconds === undefined ? {} : { timeoutMs: seconds * 1000 }), ...(mb === undefined ? {} : { maxOutput: Math.floor(mb * 1024 * 1024) }) };
}

/** What one invocation changes: --vars, --target and --profiles-dir on the CLI; medallion.vars and medallion.target in the editor. */
export interface ConfigOverrides {
  vars?: Record<string, unknown>;
  target?: string;
  /** Absolute folder of profiles.yml. */
  profilesDir?: string;
}

/**
 * Vars given for the invocation win over the project's, in every scope (dbt's precedence); the target
 * names `target.name` and, in a pipeline.yml with `targets:`, picks the engine. Returns a bad target's problem.
 */
export function applyOverrides(config: ProjectConfig, overrides: ConfigOverrides): Diagnostic[] {
  if (overrides.vars && Object.keys(overrides.vars).length > 0) {
    config.vars = { ...config.vars, ...overrides.vars };
    config.cliVars = overrides.vars;
  }
  if (overrides.target) config.target = { ...config.target, name: overrides.target };
  return config.format === 'pipeline' ? applyPipelineTarget(config, overrides.target) : [];
}
