// Links per-file summaries into a Project: merges configs (folders < schema YAML < config()),
// assigns layers and relation names, instantiates tests, and reports duplicates and unknown
// refs/sources/macros/vars with "did you mean". Pure and synchronous; never throws.
import { DBT_MACROS } from '../template/dbtMacros.js';
import { scanTemplate } from '../template/scan.js';
import { ConfigRenderer } from './configJinja.js';
import { renderDynamicRefs } from './dynamicRefs.js';
import { RelationNaming } from './naming.js';
import { DEFAULT_LAYERS, didYouMean, mergeConfigs, suggest, toModelConfig } from './config.js';
import { relation as relationName } from '../engine/sql.js';
import { packageModelOf, packageOf } from './packages.js';
import { markSkipped } from './skipped.js';
import { readSeed, type SeedTable } from './seedTypes.js';
import { linkSnapshots } from './snapshots.js';
import { linkUnitTests } from './unitTests.js';
import type { MacroDoc, MacroFile, ModelFile, ParsedConfig, ParsedFile, SchemaFile, SeedFile, SnapshotFile, TestFile } from './summary.js';
import type { Diagnostic, FolderConfig, MacroDef, ModelNode, ModelSpec, PackageCall, Project, Range, Result, SeedNode, SourceTable, TemplateScan, TestNode, TestSpec } from './types.js';

const FILE_START: Range = { start: 0, end: 0 };

export function linkProject(root: string, parsed: Result<ParsedConfig>, files: Array<Result<ParsedFile>>): Project {
  const { config } = parsed.value;
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const sorted = [...files].sort((a, b) => (a.value.file < b.value.file ? -1 : a.value.file > b.value.file ? 1 : 0));
  const byKind = { model: [] as ModelFile[], schema: [] as SchemaFile[], macro: [] as MacroFile[], seed: [] as SeedFile[], test: [] as TestFile[], snapshot: [] as SnapshotFile[] };
  for (const f of sorted) {
    // An installed package's file is not the user's to fix, and dbt read it: its problems warn and
    // stop only the models that call into it (at render).
    if ((f.value.kind === 'macro' && packageOf(config, f.value.file)) || (f.value.kind === 'model' && packageModelOf(config, f.value.file))) diagnostics.push(...f.diagnostics.map(asWarning));
    else diagnostics.push(...f.diagnostics);
    (byKind[f.value.kind] as ParsedFile[]).push(f.value);
  }
  const project: Project = {
    root,
    state: parsed.value.ok ? 'loaded' : 'failed',
    config,
    models: new Map(),
    sources: new Map(),
    seeds: new Map(),
    tests: new Map(),
    macros: new Map(),
    packageMacros: new Map(config.packages.map((p) => [p.name, new Map()])),
    macroFiles: new Map(byKind.macro.map((m) => [m.file, m.text])),
    diagnostics,
  };
  const err = (file: string, range: Range, message: string, code: string, data?: Record<string, unknown>, severity: Diagnostic['severity'] = 'error'): void => {
    diagnostics.push({ file, range, severity, message, code, data });
  };

  linkMacros(project, byKind.macro, byKind.schema.flatMap((s) => s.macros), err);
  const modelSpecs = collectSpecs(byKind.schema.flatMap((s) => s.models), 'model', err);
  const seedSpecs = collectSpecs(byKind.schema.flatMap((s) => s.seeds), 'seed', err);
  for (const src of [...parsed.value.sources, ...byKind.schema.flatMap((s) => s.sources)]) {
    const key = `${src.source}.${src.table}`;
    const first = project.sources.get(key);
    if (first) err(src.location.file, src.location.range, `Source '${key}' is defined twice (first in ${first.location.file})`, 'duplicate-source');
    else project.sources.set(key, src);
  }
  const folders: Folders = { configs: [...config.folderConfigs].sort((a, b) => depth(a.path) - depth(b.path)), render: new ConfigRenderer(config, (d) => diagnostics.push(d)), naming: new RelationNaming(project, (d) => diagnostics.push(d)) };
  for (const seed of byKind.seed) linkSeed(project, seed, seedSpecs.get(seed.name), folders, err);
  // The project's own models first: a package's model whose name they take is not linked (the project's wins).
  const [own, packaged] = [byKind.model.filter((m) => !packageModelOf(config, m.file)), byKind.model.filter((m) => packageModelOf(config, m.file))];
  for (const model of own) linkModel(project, model, modelSpecs.get(model.name), folders, err);
  for (const model of packaged) if (!project.models.has(model.name) && !project.seeds.has(model.name)) linkModel(project, model, undefined, folders, err);
  markSkipped(project, (d) => diagnostics.push(d));
  linkSnapshots(project, byKind.snapshot, byKind.schema.flatMap((s) => s.snapshots), {
    levels: (file, spec) => configLevels(project, file, folders, spec),
    naming: (name, file, raw) => {
      const named = { name, resourceType: 'snapshot' as const, file, config: raw };
      return { schema: folders.naming.schema(named), alias: folders.naming.alias(named) };
    },
    report: (d) => diagnostics.push(d),
  });
  renderDynamicRefs(project);
  for (const [name, spec] of modelSpecs) {
    if (!project.models.has(name)) {
      const s = suggest(name, project.models.keys());
      err(spec.location.file, spec.location.range, `No model named '${name}' for this entry${didYouMean(s)}`, 'unknown-model', s ? { suggestion: s } : undefined, 'warning');
    }
  }
  for (const [name, spec] of seedSpecs) {
    if (!project.seeds.has(name)) err(spec.location.file, spec.location.range, `No seed named '${name}' for this entry`, 'unknown-seed', undefined, 'warning');
  }
  for (const t of byKind.test) addTest(project, { kind: 'test', id: '', name: t.name, file: t.file, text: t.text, scan: t.scan, severity: 'error', tags: [] });
  instantiateGenericTests(project, err);
  linkUnitTests(project, byKind.schema.flatMap((s) => s.unitTests ?? []), err);
  for (const m of project.models.values()) if (m.config.enabled && !m.package) checkScan(project, m.file, m.scan, err);
  for (const t of project.tests.values()) if (t.scan) checkScan(project, t.file, t.scan, err);
  return project;
}

function asWarning(d: Diagnostic): Diagnostic {
  return d.severity === 'error' ? { ...d, severity: 'warning' } : d;
}

type Report = (file: string, range: Range, message: string, code: string, data?: Record<string, unknown>, severity?: Diagnostic['severity']) => void;

function depth(path: string): number {
  return path.split('/').length;
}

/** The project's macros go to the root namespace, an installed package's to the package's. */
function linkMacros(project: Project, files: MacroFile[], docs: MacroDoc[], err: Report): void {
  for (const f of files) {
    const pkg = packageOf(project.config, f.file)?.name;
    const into = pkg === undefined ? project.macros : project.packageMacros.get(pkg)!;
    for (const m of f.macros) {
      if (pkg !== undefined) m.package = pkg;
      const first = into.get(m.name);
      if (first) err(m.file, m.nameRange, `Macro '${pkg === undefined ? '' : pkg + '.'}${m.name}' is defined twice (first in ${first.file})`, 'duplicate-macro', undefined, pkg === undefined ? 'error' : 'warning');
      else into.set(m.name, m);
    }
  }
  for (const d of docs) {
    const m = project.macros.get(d.name);
    if (m && d.description) m.description = d.description;
  }
}

function collectSpecs(specs: ModelSpec[], kind: string, err: Report): Map<string, ModelSpec> {
  const out = new Map<string, ModelSpec>();
  for (const spec of specs) {
    const first = out.get(spec.name);
    if (first) err(spec.location.file, spec.location.range, `The ${kind} '${spec.name}' is described twice (first in ${first.location.file})`, 'duplicate-spec');
    else out.set(spec.name, spec);
  }
  return out;
}

/** The folder configs of dbt_project.yml (or pipeline.yml), outermost first, what renders their Jinja, and what names relations. */
interface Folders {
  configs: FolderConfig[];
  render: ConfigRenderer;
  naming: RelationNaming;
}

/**
 * The config levels of a file, outermost first: its folder and every folder above it, the file itself
 * by name, then its schema YAML entry; values holding Jinja rendered as dbt renders them.
 */
function configLevels(project: Project, file: string, folders: Folders, spec: ModelSpec | undefined): Array<Record<string, unknown> | undefined> {
  const noExt = file.replace(/\.[^./]+$/, '');
  const own = folders.configs.filter((f) => file.startsWith(f.path + '/') || f.path === noExt);
  return [...own.map((f) => folders.render.level(project.config.file, f.config, f.ranges)), spec && folders.render.level(spec.location.file, spec.config, spec.configRanges)];
}

/** Seed CSVs read per summary and delimiter: a relink after an edit elsewhere does not read them again. */
const seedTables = new WeakMap<SeedFile, Map<string, Result<SeedTable>>>();

function seedTable(f: SeedFile, delimiter: string): Result<SeedTable> {
  const byDelimiter = seedTables.get(f) ?? new Map<string, Result<SeedTable>>();
  seedTables.set(f, byDelimiter);
  let table = byDelimiter.get(delimiter);
  if (!table) byDelimiter.set(delimiter, (table = readSeed(f.file, f.text, delimiter)));
  return table;
}

function linkSeed(project: Project, f: SeedFile, spec: ModelSpec | undefined, folders: Folders, err: Report): void {
  if (project.seeds.has(f.name)) {
    err(f.file, FILE_START, `Seed '${f.name}' is defined twice (first in ${project.seeds.get(f.name)!.file})`, 'duplicate-seed');
    return;
  }
  const raw = mergeConfigs(configLevels(project, f.file, folders, spec));
  // As in dbt, a disabled seed is not part of the project.
  if (raw.enabled === false) return;
  const delimiter = typeof raw.delimiter === 'string' && raw.delimiter !== '' ? raw.delimiter : ',';
  const table = seedTable(f, delimiter);
  for (const d of table.diagnostics) err(d.file, d.range, d.message, d.code ?? 'seed-parse');
  const columnTypes: Record<string, string> = {};
  const declared = raw.column_types;
  if (declared && typeof declared === 'object') for (const [k, v] of Object.entries(declared)) if (typeof v === 'string') columnTypes[k] = v;
  for (const c of spec?.columns ?? []) if (c.dataType && !columnTypes[c.name]) columnTypes[c.name] = c.dataType;
  const cfg = toModelConfig(raw);
  const named = { name: f.name, resourceType: 'seed' as const, file: f.file, config: raw };
  cfg.schema = folders.naming.schema(named);
  const seed: SeedNode = {
    kind: 'seed',
    id: `seed.${f.name}`,
    name: f.name,
    file: f.file,
    columnTypes,
    columns: table.value.columns.map((c) => c.name),
    inferredTypes: Object.fromEntries(table.value.columns.map((c) => [c.name, c.type])),
    delimiter,
    schema: cfg.schema,
    tags: cfg.tags,
    ...(raw['pre-hook'] || raw['post-hook'] ? { hooks: { pre: (raw['pre-hook'] as unknown[]) ?? [], post: (raw['post-hook'] as unknown[]) ?? [] } } : {}),
    spec,
    relation: relationName(cfg.schema, folders.naming.alias(named)),
  };
  project.seeds.set(f.name, seed);
}

function linkModel(project: Project, f: ModelFile, spec: ModelSpec | undefined, folders: Folders, err: Report): void {
  const first = project.models.get(f.name);
  if (first || project.seeds.has(f.name)) {
    const other = first?.file ?? project.seeds.get(f.name)!.file;
    err(f.file, FILE_START, `Two models are named '${f.name}': ${other} and ${f.file}`, 'duplicate-model', { other });
    if (first) err(first.file, FILE_START, `Two models are named '${f.name}': ${first.file} and ${f.file}`, 'duplicate-model', { other: f.file });
    return;
  }
  const inline = f.scan.configs.map((c) => c.args);
  const raw = mergeConfigs([...configLevels(project, f.file, folders, spec), ...inline]);
  const config = toModelConfig(raw);
  const named = { name: f.name, resourceType: 'model' as const, file: f.file, config: raw };
  config.schema = folders.naming.schema(named);
  if (spec?.contractEnforced && !(raw.contract && typeof raw.contract === 'object')) config.contractEnforced = true;
  if (config.materialized === 'incremental' && config.contractEnforced && raw.on_schema_change !== 'fail' && raw.on_schema_change !== 'append_new_columns') {
    // Medallion checks the contract before every run, which is 'fail'; dbt insists on saying so.
    const at = f.scan.configs[0]?.range ?? FILE_START;
    err(f.file, at, `An incremental model with an enforced contract needs on_schema_change='fail' (or 'append_new_columns'): dbt refuses it otherwise`, 'contract-on-schema-change', undefined, 'warning');
  }
  const layer = config.layer ?? folderLayer(f.file, project.config.modelPaths, project.config.layers ?? DEFAULT_LAYERS);
  const model: ModelNode = {
    kind: 'model',
    id: `model.${f.name}`,
    name: f.name,
    file: f.file,
    text: f.text,
    layer,
    scan: f.scan,
    config,
    spec,
    description: spec?.description,
    relation: relationName(config.schema, folders.naming.alias(named)),
    ...(f.language ? { language: f.language } : {}),
  };
  project.models.set(f.name, model);
}

/** The first folder under the model path whose name is a layer. */
export function folderLayer(file: string, modelPaths: string[], layers: string[]): string | undefined {
  const base = modelPaths.find((mp) => file.startsWith(mp + '/'));
  const rest = base === undefined ? file : file.slice(base.length + 1);
  const dirs = rest.split('/').slice(0, -1);
  return dirs.find((d) => layers.includes(d));
}

function addTest(project: Project, t: TestNode): void {
  let name = t.name;
  for (let i = 2; project.tests.has(name); i++) name = `${t.name}_${i}`;
  t.name = name;
  t.id = `test.${name}`;
  project.tests.set(name, t);
}

function instantiateGenericTests(project: Project, err: Report): void {
  const attach = (target: string, prefix: string, nodeId: string, tags: string[], spec: ModelSpec | SourceTable | undefined): void => {
    if (!spec) return;
    const all: TestSpec[] = [...spec.tests, ...spec.columns.flatMap((c) => c.tests)];
    for (const t of all) {
      if (t.name === 'relationships' && typeof t.args.to === 'string') checkRelationshipTarget(project, t, err);
      addTest(project, { kind: 'test', id: '', name: genericTestName(prefix, target, t), file: t.location.file, spec: t, attachedTo: nodeId, severity: t.severity, tags });
    }
  };
  for (const m of project.models.values()) attach(m.name, '', m.id, m.config.tags, m.spec);
  for (const s of project.seeds.values()) attach(s.name, '', s.id, s.tags, s.spec);
  for (const s of project.sources.values()) attach(`${s.source}_${s.table}`, 'source_', s.id, [], s);
}

/**
 * A generic test's name as dbt synthesizes it: `<test>_<target>_` followed by every argument's values
 * in argument-name order (column_name among them), each cleaned to [0-9a-zA-Z_] and joined with '__':
 * not_null_orders_id, relationships_orders_customer_id__id__ref_customers_ (the trailing '_' is the
 * cleaned "')"), dbt_utils_accepted_range_orders_amount__0; `source_` first for a source's tests.
 */
function genericTestName(prefix: string, target: string, t: TestSpec): string {
  const args: Record<string, unknown> = { ...t.args };
  if (t.column !== undefined) args.column_name = t.column;
  const flat = Object.keys(args)
    .sort()
    .flatMap((k) => {
      const v = args[k];
      const parts = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [v];
      return parts.map((p) => pythonStr(p).replace(/[^0-9a-zA-Z_]+/g, '_'));
    });
  return `${prefix}${t.name.replace('.', '_')}_${target}_${flat.join('__')}`.slice(0, 200);
}

/** str() of a YAML value as Python prints it (True, None, 1.5). */
function pythonStr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The node a relationships test's `to:` points at ('model.x', 'seed.y', 'source.s.t'), if it resolves. */
export function relationshipTarget(project: Project, to: string): string | undefined {
  let target = targets.get(to);
  if (!target) {
    const scan = scanTemplate(`{{ ${to} }}`);
    target = { ref: scan.refs[0]?.name, source: scan.sources[0] ? `${scan.sources[0].source}.${scan.sources[0].table}` : undefined };
    if (targets.size > 100_000) targets.clear();
    targets.set(to, target);
  }
  if (target.ref !== undefined) return project.models.get(target.ref)?.id ?? project.seeds.get(target.ref)?.id;
  if (target.source !== undefined) return project.sources.get(target.source)?.id;
  return undefined;
}

/** Parsed `to:` strings: the same few are written on many tests. */
const targets = new Map<string, { ref?: string; source?: string }>();

function checkRelationshipTarget(project: Project, t: TestSpec, err: Report): void {
  if (relationshipTarget(project, String(t.args.to)) === undefined) {
    err(t.location.file, t.location.range, `relationships: '${String(t.args.to)}' does not name a model, seed or source`, 'unknown-ref');
  }
}

/** Unknown refs, sources, macros and vars in one template. */
export function checkScan(project: Project, file: string, scan: TemplateScan, err: Report): void {
  for (const r of scan.refs) {
    const model = project.models.get(r.name);
    if (model && !model.config.enabled) {
      err(file, r.nameRange, `Model '${r.name}' is disabled (enabled: false)`, 'disabled-ref');
      continue;
    }
    if (model || project.seeds.has(r.name)) continue;
    const s = suggest(r.name, [...project.models.keys(), ...project.seeds.keys()]);
    err(file, r.nameRange, `Unknown model '${r.name}' in ref()${didYouMean(s)}`, 'unknown-ref', s ? { suggestion: s } : undefined);
  }
  for (const src of scan.sources) {
    if (project.sources.has(`${src.source}.${src.table}`)) continue;
    const tables = [...project.sources.values()].filter((t) => t.source === src.source).map((t) => t.table);
    if (tables.length > 0) {
      const s = suggest(src.table, tables);
      err(file, src.tableRange, `Unknown table '${src.table}' in source '${src.source}'${didYouMean(s)}`, 'unknown-source', s ? { suggestion: s } : undefined);
    } else {
      const s = suggest(src.source, new Set([...project.sources.values()].map((t) => t.source)));
      err(file, src.sourceRange, `Unknown source '${src.source}'${didYouMean(s)}`, 'unknown-source', s ? { suggestion: s } : undefined);
    }
  }
  const local = new Set(scan.macroDefs.map((m) => m.name));
  for (const c of scan.macroCalls) {
    // dbt's own macros (dateadd, last_day, ...) are global in dbt too.
    if (project.macros.has(c.name) || local.has(c.name) || DBT_MACROS.has(c.name)) continue;
    const s = suggest(c.name, project.macros.keys());
    err(file, c.range, `Undefined macro '${c.name}'${didYouMean(s)}`, 'undefined-macro', s ? { suggestion: s } : undefined);
  }
  for (const c of scan.packageCalls) checkPackageCall(project, file, c, err);
  for (const v of scan.vars) {
    if (v.hasDefault || v.name in project.config.vars) continue;
    const s = suggest(v.name, Object.keys(project.config.vars));
    err(file, v.nameRange, `Variable '${v.name}' is not defined in vars and has no default${didYouMean(s)}`, 'unknown-var', s ? { suggestion: s } : undefined);
  }
}

/** The macros a namespace offers: an installed package's, or the project's own under its name. */
export function namespaceMacros(project: Project, namespace: string): Map<string, MacroDef> | undefined {
  return project.packageMacros.get(namespace) ?? (namespace === project.config.name ? project.macros : undefined);
}

/** `pkg.name(...)`: the package must be installed and define the macro; `dbt.` is the built-in namespace. */
function checkPackageCall(project: Project, file: string, c: PackageCall, err: Report): void {
  if (c.package === 'dbt') return;
  const macros = namespaceMacros(project, c.package);
  if (!macros) {
    const where = project.config.packagesInstallPath;
    err(file, c.packageRange, `Package '${c.package}' is not installed (no ${where}/*/dbt_project.yml named '${c.package}'): run \`dbt deps\` to install the project's packages`, 'package-not-installed', { package: c.package });
    return;
  }
  if (macros.has(c.name)) return;
  const s = suggest(c.name, macros.keys());
  err(file, c.nameRange, `Package '${c.package}' has no macro '${c.name}'${didYouMean(s)}`, 'undefined-macro', s ? { suggestion: s } : undefined);
}
