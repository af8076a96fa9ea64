// The project model shared by the runtime, the language server and the CLI: plain data only.
// Offsets are UTF-16 code-unit offsets into the file's text (JS string indices), as LSP's default.
import type { ProjectConfig } from './configTypes.js';

// The project's settings live in configTypes.ts; re-exported so every module names the project model from here.
export type { DispatchConfig, DuckdbProfile, FolderConfig, LakeConfig, PackageInfo, ProjectConfig, TrinoTarget } from './configTypes.js';

/** A half-open range [start, end) of offsets in one file. */
export interface Range {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A problem found in user input. `file` is project-relative, with forward slashes. */
export interface Diagnostic {
  file: string;
  range: Range;
  severity: Severity;
  message: string;
  /** A stable code such as 'unknown-ref', 'cycle', 'yaml-syntax', 'contract-missing-column'. */
  code?: string;
  /** Extra data for quick fixes, e.g. { suggestion: 'orders' } for "did you mean". */
  data?: Record<string, unknown>;
}

/** What every parser and loader returns instead of throwing. */
export interface Result<T> {
  value: T;
  diagnostics: Diagnostic[];
}

/** Where a definition lives: a file and the range of its name (for go-to-definition). */
export interface Location {
  file: string;
  range: Range;
}

export type Layer = 'bronze' | 'silver' | 'gold' | (string & {});
export type Materialization = 'view' | 'table' | 'incremental' | 'ephemeral' | 'external';
export type IncrementalStrategy = 'merge' | 'append' | 'delete+insert';
export type SourceFormat = 'json' | 'csv' | 'parquet';

// ---------------------------------------------------------------------------
// Static scan of a template (no Jinja run): the editor's fast path.

export interface RefCall {
  /** The model name (second argument when a package is given). */
  name: string;
  package?: string;
  /** The whole `ref(...)` call expression. */
  range: Range;
  /** The string literal holding the model name, without its quotes. */
  nameRange: Range;
}

export interface SourceCall {
  source: string;
  table: string;
  range: Range;
  sourceRange: Range;
  tableRange: Range;
}

export interface ConfigCall {
  /** Keyword arguments whose values are literals (strings, numbers, booleans, lists, dicts of literals). */
  args: Record<string, unknown>;
  /** Each keyword argument's value range, for diagnostics on a bad value. */
  argRanges: Record<string, Range>;
  range: Range;
}

export interface VarCall {
  name: string;
  hasDefault: boolean;
  range: Range;
  nameRange: Range;
}

export interface MacroCall {
  name: string;
  range: Range;
}

/** A call of a package's macro, `pkg.name(...)`: `range` is the whole call, `nameRange` the macro's name. */
export interface PackageCall {
  package: string;
  name: string;
  range: Range;
  packageRange: Range;
  nameRange: Range;
}

/** Everything the editor needs to know about one template without rendering it. */
export interface TemplateScan {
  refs: RefCall[];
  sources: SourceCall[];
  configs: ConfigCall[];
  vars: VarCall[];
  /** Calls of names that are not builtins (candidate macros). */
  macroCalls: MacroCall[];
  /** Calls `pkg.name(...)` whose head is not a builtin or a local name (candidate package macros). */
  packageCalls: PackageCall[];
  isIncremental: Range[];
  /** `{% macro name(...) %}` definitions found in this file; `{% test name(...) %}` blocks as `test_name`. */
  macroDefs: MacroDef[];
  /** Jinja syntax problems the scanner can see (unclosed tags, unbalanced blocks). `file` is ''. */
  diagnostics: Diagnostic[];
  /** `ref(...)` calls whose name is computed (`ref(name)` in a loop): only rendering finds their targets. */
  dynamicRefs?: Range[];
}

// ---------------------------------------------------------------------------
// Schema YAML (dbt format) and the raw contracts of pipeline.yml.

export interface TestSpec {
  /** 'unique' | 'not_null' | 'accepted_values' | 'relationships' | any generic test name. */
  name: string;
  /** The column it applies to; undefined for a model-level test. */
  column?: string;
  /** Arguments: values for accepted_values, to/field for relationships, etc. */
  args: Record<string, unknown>;
  severity: 'warn' | 'error';
  /** Rows returned above which the test fails (dbt's error_if / warn_if simplified). */
  where?: string;
  /** The test's config (its `config:` block and the keys dbt also takes beside it: error_if, warn_if, fail_calc, limit, store_failures). */
  config?: Record<string, unknown>;
  location: Location;
}

export interface ColumnConstraint {
  type: 'not_null' | 'unique' | 'primary_key' | 'check' | 'foreign_key' | (string & {});
  expression?: string;
}

export interface ColumnSpec {
  name: string;
  /** Declared type as written (e.g. 'varchar', 'bigint', 'timestamp with time zone'). */
  dataType?: string;
  description?: string;
  /** For a raw source contract: the record is rejected when the field is missing or null. */
  required?: boolean;
  constraints: ColumnConstraint[];
  tests: TestSpec[];
  location: Location;
}

/** A model's entry in a schema YAML file. */
export interface ModelSpec {
  name: string;
  description?: string;
  columns: ColumnSpec[];
  contractEnforced: boolean;
  /** `config:` block of the YAML entry (materialized, tags, ...). */
  config: Record<string, unknown>;
  /** Where each `config:` value is written, for errors in values rendered later (Jinja). */
  configRanges?: Record<string, Range>;
  /** Model-level tests (e.g. dbt_utils-style or singular references). */
  tests: TestSpec[];
  constraints: ColumnConstraint[];
  location: Location;
  /** A YAML-defined snapshot's `relation:` (`ref('x')`, `source('s', 't')`) and where its text starts. */
  relation?: { text: string; offset: number };
}

// ---------------------------------------------------------------------------
// Nodes of the project.

export interface ModelConfig {
  materialized: Materialization;
  uniqueKey?: string[];
  incrementalStrategy?: IncrementalStrategy;
  tags: string[];
  /** The DuckDB schema the model is created in. Default 'main'. */
  schema: string;
  partitionBy?: string[];
  layer?: Layer;
  contractEnforced: boolean;
  enabled: boolean;
  /** Every other key, as written. */
  extra: Record<string, unknown>;
  /** A `materialized` Medallion does not implement (a `{% materialization %}` of the project or a package): the node is skipped. */
  customMaterialization?: string;
}

export interface ModelNode {
  kind: 'model';
  /** Unique id 'model.<name>'. */
  id: string;
  name: string;
  /** Project-relative path, forward slashes, e.g. 'models/silver/events.sql'. */
  file: string;
  text: string;
  layer?: Layer;
  scan: TemplateScan;
  /** Merged config: project folders < schema YAML < inline config(). */
  config: ModelConfig;
  spec?: ModelSpec;
  description?: string;
  /** The relation it is queryable as in DuckDB, already quoted: "main"."events". */
  relation: string;
  /** Models and seeds its computed refs named when rendered at load time, as dbt's parse finds them. */
  renderedRefs?: string[];
  /** 'python' for a `.py` model (dbt's `language`); SQL otherwise. */
  language?: 'python';
  /** The installed package defining it, for a package's own model. */
  package?: string;
  /** Why Medallion does not run this node yet: a run reports it skipped with this reason, and its downstream skipped. */
  skip?: string;
  /**
   * A snapshot (dbt's SCD type 2 node, `{% snapshot %}` block or YAML `relation:`), id
   * 'snapshot.<name>': built by run/snapshot.ts from its config, never by `run`.
   */
  snapshot?: boolean;
}

export type { SourceFreshness } from './freshness.js';
import type { SourceFreshness } from './freshness.js';

export interface SourceTable {
  kind: 'source';
  /** 'source.<source>.<table>'. */
  id: string;
  source: string;
  table: string;
  description?: string;
  /** Files in the lake (pipeline.yml sources); undefined for a dbt source that already exists in the warehouse. */
  format?: SourceFormat;
  /** Glob relative to the lake root, e.g. 'bronze/app_logs/**\/*.json'. */
  path?: string;
  columns: ColumnSpec[];
  dedupeOn: string[];
  /** Extra reader options (csv delimiter, header, ...). */
  options: Record<string, unknown>;
  tests: TestSpec[];
  relation: string;
  location: Location;
  /** dbt-duckdb's `external_location` (meta or config): files read in place instead of a relation. */
  external?: ExternalLocation;
  /** `loaded_at_field` and the merged `freshness` threshold (project/freshness.ts); absent when neither is written. */
  freshness?: SourceFreshness;
}

/** A source read from files, as dbt-duckdb renders it. */
export interface ExternalLocation {
  /** What `source()` prints: the quoted path (DuckDB picks the reader by extension) or a reader call as written. */
  sql: string;
  /** The formatted path when it is one (not a function call), relative to the project: checked before a model reads it. */
  path?: string;
  /** Where `external_location` is written. */
  location: Location;
}

export interface SeedNode {
  kind: 'seed';
  id: string;
  name: string;
  file: string;
  /** Declared types (`column_types`, else a column's `data_type`): they win over inference. */
  columnTypes: Record<string, string>;
  /** Column names from the CSV header. */
  columns?: string[];
  /** The type dbt infers for each header column from the CSV's values (seedTypes.ts). */
  inferredTypes: Record<string, string>;
  /** The CSV's field delimiter (`delimiter` config, default ','). */
  delimiter: string;
  schema: string;
  tags: string[];
  /** `pre-hook`/`post-hook` configs of every level, outermost first. */
  hooks?: { pre: unknown[]; post: unknown[] };
  spec?: ModelSpec;
  relation: string;
}

/** A singular test (tests/*.sql) or a generic test instantiated from schema YAML. */
export interface TestNode {
  kind: 'test';
  id: string;
  name: string;
  /** For singular tests: the SQL template file. For generic tests: the YAML file. */
  file: string;
  /** Singular: the template text. Generic: undefined (SQL is generated from spec). */
  text?: string;
  scan?: TemplateScan;
  spec?: TestSpec;
  /** The node the generic test is attached to ('model.x', 'source.s.t', 'seed.y'). */
  attachedTo?: string;
  severity: 'warn' | 'error';
  tags: string[];
  /** A dbt unit test (schema YAML `unit_tests:`), id 'unit_test.<model>.<name>'; attachedTo is its model. */
  unit?: UnitTestSpec;
}

/** Rows of a unit test's input or expectation: dict rows, csv (inline or a fixture file) or a sql select. */
export interface UnitTestRows {
  format: 'dict' | 'csv' | 'sql';
  /** dict rows, or inline csv parsed (empty fields null); undefined for sql and fixture files. */
  rows?: Array<Record<string, unknown>>;
  /** Where each row's keys are written (dict: each key; inline csv: the header's names), by lower-cased name. */
  keyRanges?: Array<Record<string, Range>>;
  /** format sql: the select, as written. */
  sql?: string;
  /** A fixture file's name (`fixture:`), read from <test-path>/fixtures/<name>.csv|.sql. */
  fixture?: string;
  location: Location;
}

export interface UnitTestInput extends UnitTestRows {
  /** As written: `ref('x')`, `source('s', 't')` or `this`. */
  input: string;
  inputRange: Range;
}

export interface UnitTestSpec {
  name: string;
  model: string;
  modelRange: Range;
  given: UnitTestInput[];
  expect: UnitTestRows;
  overrides: { macros: Record<string, unknown>; vars: Record<string, unknown>; envVars: Record<string, string> };
  tags: string[];
  enabled: boolean;
  location: Location;
}

export interface MacroDef {
  name: string;
  params: string[];
  file: string;
  range: Range;
  nameRange: Range;
  description?: string;
  /** The installed package defining it (its namespace); undefined for the project's own macros. */
  package?: string;
}

export interface Project {
  /** Absolute root folder of the project, forward slashes. */
  root: string;
  /** 'loaded' when the config file parsed; 'failed' keeps per-file features working. */
  state: 'loaded' | 'failed';
  config: ProjectConfig;
  models: Map<string, ModelNode>;
  /** Keyed 'source.table'. */
  sources: Map<string, SourceTable>;
  seeds: Map<string, SeedNode>;
  tests: Map<string, TestNode>;
  /** The project's own macros (the root namespace). */
  macros: Map<string, MacroDef>;
  /** Macros of installed packages: package name → macro name → definition. */
  packageMacros: Map<string, Map<string, MacroDef>>;
  /** Text of each macro file by project-relative path, for rendering (the macros' bodies). */
  macroFiles?: Map<string, string>;
  /** Every diagnostic from loading: YAML, schema, duplicates, bad config(), Jinja syntax. */
  diagnostics: Diagnostic[];
}

// ---------------------------------------------------------------------------
// Compilation output.

/** Maps compiled-SQL offsets back to template offsets. */
export interface OffsetMap {
  /** The template range that produced compiled offset `offset` (best effort; never throws). */
  toTemplate(offset: number): Range;
}

export interface CompiledNode {
  id: string;
  /** The rendered SQL (a SELECT for models; a failing-rows query for tests). */
  sql: string;
  map: OffsetMap;
  /** Final config after rendering (config() calls with non-literal args resolved). */
  config?: ModelConfig;
  /** A test's config() calls as rendered (fail_calc, warn_if, error_if, ... from its template or macro). */
  testConfig?: Record<string, unknown>;
  diagnostics: Diagnostic[];
}
