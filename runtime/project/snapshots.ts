// Snapshots as nodes: `{% snapshot %}` files and YAML `snapshots:` entries with `relation:` become
// ModelNodes (id 'snapshot.<name>'), and their config is read into the settings dbt's snapshot
// materialization uses (strategy, unique_key, updated_at, check_cols, hard_deletes, column names).
import { scanTemplate } from '../template/scan.js';
import { asList, isObject, mergeConfigs, toModelConfig } from './config.js';
import { relation as relationName } from '../engine/sql.js';
import type { SnapshotFile } from './summary.js';
import type { Diagnostic, ModelNode, ModelSpec, Project, Range, TemplateScan } from './types.js';

export type HardDeletes = 'ignore' | 'invalidate' | 'new_record';

export interface SnapshotSettings {
  strategy: 'timestamp' | 'check';
  uniqueKey: string[];
  updatedAt?: string;
  checkCols: 'all' | string[];
  hardDeletes: HardDeletes;
  /** `dbt_valid_to_current`: the SQL expression current rows carry in dbt_valid_to (else NULL). */
  validToCurrent?: string;
  /** The meta columns' names (`snapshot_meta_column_names`). */
  columns: { dbt_valid_from: string; dbt_valid_to: string; dbt_scd_id: string; dbt_updated_at: string; dbt_is_deleted: string };
}

/** A config key whose value is wrong or missing, and what to say. */
export interface SettingProblem {
  key: string;
  message: string;
}

const META = ['dbt_valid_from', 'dbt_valid_to', 'dbt_scd_id', 'dbt_updated_at', 'dbt_is_deleted'] as const;

/** Reads a snapshot's merged raw config as dbt does; `present(key)` says a key may still come from rendering. */
export function snapshotSettings(raw: Record<string, unknown>, present: (key: string) => boolean = () => false): { value?: SnapshotSettings; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const missing = (key: string, message: string): void => {
    if (!present(key)) problems.push({ key, message });
  };
  const strategy = raw.strategy;
  if (strategy === undefined) missing('strategy', "A snapshot needs a 'strategy' config: timestamp or check");
  else if (strategy !== 'timestamp' && strategy !== 'check') problems.push({ key: 'strategy', message: `Unknown snapshot strategy '${String(strategy)}': expected timestamp or check` });
  const uniqueKey = asList(raw.unique_key);
  if (uniqueKey.length === 0) missing('unique_key', "A snapshot needs a 'unique_key' config: the column (or list of columns) identifying a record");
  const updatedAt = typeof raw.updated_at === 'string' && raw.updated_at !== '' ? raw.updated_at : undefined;
  if (strategy === 'timestamp' && !updatedAt) missing('updated_at', "The timestamp strategy needs an 'updated_at' config: the column holding when a record last changed");
  const check = raw.check_cols;
  const checkCols = check === 'all' ? 'all' : asList(check);
  if (strategy === 'check' && (check === undefined || (checkCols !== 'all' && checkCols.length === 0))) missing('check_cols', "The check strategy needs 'check_cols': all, or a list of columns");
  let hardDeletes: HardDeletes = 'ignore';
  const hd = raw.hard_deletes;
  if (hd !== undefined && hd !== null && raw.invalidate_hard_deletes !== undefined) problems.push({ key: 'hard_deletes', message: "Set either 'hard_deletes' or the older 'invalidate_hard_deletes', not both" });
  if (raw.invalidate_hard_deletes === true) hardDeletes = 'invalidate';
  if (hd !== undefined && hd !== null) {
    if (hd === 'ignore' || hd === 'invalidate' || hd === 'new_record') hardDeletes = hd;
    else problems.push({ key: 'hard_deletes', message: `Unknown hard_deletes '${String(hd)}': expected ignore, invalidate or new_record` });
  }
  const names = isObject(raw.snapshot_meta_column_names) ? raw.snapshot_meta_column_names : {};
  const columns = Object.fromEntries(META.map((m) => [m, typeof names[m] === 'string' && names[m] !== '' ? (names[m] as string) : m])) as SnapshotSettings['columns'];
  const validToCurrent = typeof raw.dbt_valid_to_current === 'string' && raw.dbt_valid_to_current.trim() !== '' ? raw.dbt_valid_to_current : undefined;
  if (problems.length > 0 || (strategy !== 'timestamp' && strategy !== 'check') || uniqueKey.length === 0) return { problems };
  return { value: { strategy, uniqueKey, updatedAt, checkCols, hardDeletes, validToCurrent, columns }, problems };
}

/** What the linker lends: config levels of a file, dbt's relation naming, and its reporter. */
export interface SnapshotLinker {
  levels(file: string, spec: ModelSpec | undefined): Array<Record<string, unknown> | undefined>;
  /** The schema and alias of a snapshot whose merged config (without target_schema) is `config`. */
  naming(name: string, file: string, config: Record<string, unknown>): { schema: string; alias: string };
  report(d: Diagnostic): void;
}

/** Adds every snapshot to `project.models`; a YAML entry without `relation:` gives its SQL namesake properties. */
export function linkSnapshots(project: Project, files: SnapshotFile[], specs: ModelSpec[], linker: SnapshotLinker): void {
  const byName = new Map<string, ModelSpec>();
  for (const spec of specs) {
    if (byName.has(spec.name)) linker.report(problem(spec.location.file, spec.location.range, `The snapshot '${spec.name}' is described twice (first in ${byName.get(spec.name)!.location.file})`, 'duplicate-spec'));
    else byName.set(spec.name, spec);
  }
  for (const f of files) {
    const spec = byName.get(f.name);
    if (spec?.relation) linker.report(problem(spec.location.file, spec.location.range, `The snapshot '${f.name}' is defined twice: by ${f.file} and by this entry's relation`, 'duplicate-model'));
    add(project, { name: f.name, file: f.file, text: f.text, scan: f.scan, nameRange: f.nameRange, spec: spec?.relation ? undefined : spec }, linker);
  }
  for (const spec of byName.values()) {
    if (!spec.relation) {
      if (!files.some((f) => f.name === spec.name)) linker.report({ ...problem(spec.location.file, spec.location.range, `No snapshot named '${spec.name}' for this entry (a YAML snapshot needs 'relation:')`, 'unknown-snapshot'), severity: 'warning' });
      continue;
    }
    if (files.some((f) => f.name === spec.name)) continue;
    // The YAML snapshot's query, scanned so its ref()/source() ranges land on the YAML's relation value.
    const prefix = 'select * from {{ ';
    const text = `${prefix}${spec.relation.text} }}`;
    add(project, { name: spec.name, file: spec.location.file, text, scan: shifted(scanTemplate(text), spec.relation.offset - prefix.length), nameRange: spec.location.range, spec }, linker);
  }
}

interface SnapshotSource {
  name: string;
  file: string;
  text: string;
  scan: TemplateScan;
  nameRange: Range;
  spec?: ModelSpec;
}

function add(project: Project, s: SnapshotSource, linker: SnapshotLinker): void {
  const other = project.models.get(s.name) ?? project.seeds.get(s.name);
  if (other) {
    linker.report(problem(s.file, s.nameRange, `Two nodes are named '${s.name}': ${other.file} and this snapshot`, 'duplicate-model'));
    return;
  }
  const inline = s.spec?.relation ? [] : s.scan.configs.map((c) => c.args);
  const raw = mergeConfigs([...linker.levels(s.file, s.spec), ...inline]);
  if (raw.enabled === false) return;
  const config = toModelConfig(raw);
  config.materialized = 'table';
  // dbt: target_schema is taken as written (the legacy way); schema goes through generate_schema_name.
  const named = linker.naming(s.name, s.file, raw);
  config.schema = typeof raw.target_schema === 'string' && raw.target_schema.trim() !== '' ? raw.target_schema.trim() : named.schema;
  const where = (key: string): Range => s.scan.configs.find((c) => key in c.argRanges)?.argRanges[key] ?? s.spec?.configRanges?.[key] ?? s.scan.configs[0]?.range ?? s.nameRange;
  const dynamic = (key: string): boolean => s.scan.configs.some((c) => new RegExp(`\\b${key}\\s*=`).test(s.text.slice(c.range.start, c.range.end)));
  for (const p of snapshotSettings(raw, dynamic).problems) linker.report(problem(s.file, where(p.key), p.message, 'bad-snapshot-config'));
  const node: ModelNode = {
    kind: 'model',
    id: `snapshot.${s.name}`,
    name: s.name,
    file: s.file,
    text: s.text,
    scan: s.scan,
    config,
    spec: s.spec,
    description: s.spec?.description,
    relation: relationName(config.schema, named.alias),
    snapshot: true,
  };
  project.models.set(s.name, node);
}

function problem(file: string, range: Range, message: string, code: string): Diagnostic {
  return { file, range, severity: 'error', message, code };
}

/** A scan whose ranges are moved by `delta` (a template embedded at an offset of its file). */
function shifted(scan: TemplateScan, delta: number): TemplateScan {
  const move = (r: Range): Range => ({ start: r.start + delta, end: r.end + delta });
  return {
    ...scan,
    refs: scan.refs.map((r) => ({ ...r, range: move(r.range), nameRange: move(r.nameRange) })),
    sources: scan.sources.map((r) => ({ ...r, range: move(r.range), sourceRange: move(r.sourceRange), tableRange: move(r.tableRange) })),
    diagnostics: scan.diagnostics.map((d) => ({ ...d, range: move(d.range) })),
  };
}
