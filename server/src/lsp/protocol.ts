// The custom requests and notifications Medallion's server answers beyond standard LSP. The extension
// (client/) imports these shapes; this file imports nothing, so a type-only import costs nothing.

/** `initializationOptions` of the initialize request. */
export interface InitializationOptions {
  /**
   * Absolute path of the project folder. Default: the first workspace folder when it holds
   * pipeline.yml or dbt_project.yml, else the shallowest folder below it (3 levels) that does.
   */
  projectRoot?: string;
  /**
   * False for a workspace the user has not trusted: the server then never renders templates, binds
   * SQL or runs anything (static features only) and refuses medallion/run, medallion/preview and
   * medallion/compiled, until it receives medallion/trust. Default true.
   */
  trusted?: boolean;
  /** Vars for var(), over the project's (the CLI's --vars); the setting medallion.vars. */
  vars?: Record<string, unknown>;
  /** The dbt profile output to use, exposed as target.name (the CLI's --target); the setting medallion.target. */
  target?: string;
}

/**
 * The `settings` of workspace/didChangeConfiguration the server reads: `{ medallion: { vars, target } }`
 * (VS Code sends its `medallion` section; other editors send the same shape).
 */
export interface MedallionSettings {
  medallion?: { vars?: Record<string, unknown>; target?: string };
}

/** Sent by the client when the user trusts the workspace: full features start, no restart needed. */
export const TrustNotificationMethod = 'medallion/trust';

/** A model is addressed either by a file it is written in or by its name. */
export interface ModelTarget {
  /** A document URI (a model's .sql file). */
  uri?: string;
  /** A model name, e.g. 'daily_active_users'. Wins over `uri` when both are given. */
  model?: string;
}

// ---------------------------------------------------------------------------
// medallion/run: run, build (run + tests in DAG order), test or seed a selection, in the server.
// Progress: pass a `workDoneToken` and the server reports `$/progress` begin/report/end on it.
// Cancellation: cancel the request ($/cancelRequest); running statements are interrupted.
// The run uses the editor's view of the project: open buffers count, saved or not.

export const RunRequestMethod = 'medallion/run';

export interface RunParams {
  /** `freshness`: dbt's source freshness of the selected sources (their results are kind 'freshness'). */
  command: 'run' | 'build' | 'test' | 'seed' | 'snapshot' | 'freshness';
  /** dbt selectors: 'model', '+model', 'model+', 'tag:x', 'path:models/gold'. Empty: everything. */
  select?: string[];
  exclude?: string[];
  fullRefresh?: boolean;
  workDoneToken?: string | number;
}

export type NodeRunStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn' | 'cancelled';

export interface NodeRunResult {
  /** Node id: 'model.x', 'test.y', 'seed.z', 'snapshot.s', 'unit_test.m.t', 'operation.p-on-run-end-0'. */
  id: string;
  /** What ran when the id's kind does not say it: 'freshness' for a source's freshness check. */
  kind?: string;
  status: NodeRunStatus;
  /** Rows written (models, seeds) or failing rows (tests). */
  rows?: number;
  elapsedMs: number;
  message?: string;
  /** Where an error is: a project-relative file and the error's range in it (zero-based lines and characters, as LSP's). */
  errorAt?: { file: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } };
}

export interface RunResponse {
  status: 'success' | 'error' | 'cancelled';
  elapsedMs: number;
  nodes: NodeRunResult[];
  /** Set when the run could not start (project invalid, warehouse locked by another process, ...). */
  error?: string;
}

/** Sent for each node as it starts and finishes during a medallion/run. */
export const RunProgressNotificationMethod = 'medallion/runEvent';

export interface RunProgress {
  kind: 'start' | 'finish';
  id: string;
  /** Set on 'finish'. */
  result?: NodeRunResult;
  /** Nodes finished so far / total, for a progress bar. */
  done: number;
  total: number;
}

// ---------------------------------------------------------------------------
// medallion/preview: the first rows of a model, or of a piece of SQL (selected text, templated).

export const PreviewRequestMethod = 'medallion/preview';

export interface PreviewParams extends ModelTarget {
  /** Templated SQL to preview instead of a model (e.g. the editor's selection); may use ref()/source(). */
  sql?: string;
  /** Rows to return; default 100. Queries that already have a LIMIT are not rewritten. */
  limit?: number;
}

export interface PreviewColumn {
  name: string;
  /** The engine's type name, e.g. DuckDB's 'TIMESTAMP WITH TIME ZONE', Trino's 'TIMESTAMP(3)'. */
  type: string;
}

export interface PreviewResult {
  columns: PreviewColumn[];
  /** Row objects keyed by column name; values are JSON-safe (BIGINT, DECIMAL and dates as strings). */
  rows: Record<string, unknown>[];
  /** True when the query produced more rows than `limit`. */
  truncated: boolean;
  elapsedMs: number;
  /** The compiled SQL that ran. */
  sql: string;
  /** The engine that ran it: 'duckdb' (the warehouse file) or 'trino' (the active target's cluster). */
  engine?: string;
  /** Set instead of rows when the query failed. */
  error?: string;
}

// ---------------------------------------------------------------------------
// medallion/saveUnitTest: "Save as unit test" on a model's preview. Samples the model's direct inputs
// (refs and sources, trimmed to the columns its SQL names), computes its output over those rows as a
// unit test would, and returns the edit adding the test to the model's schema YAML (created beside the
// model when it has none). The client applies the edit (so it can be undone); nothing is written here.

export const SaveUnitTestRequestMethod = 'medallion/saveUnitTest';

export interface SaveUnitTestParams extends ModelTarget {
  /** Rows sampled from each input; default 10, at most 200. */
  rows?: number;
}

export interface SaveUnitTestResult {
  /** The new unit test's name, e.g. 'daily_active_users_from_preview'. */
  name?: string;
  /** The YAML file, project-relative and as a URI; `create` when it does not exist yet. */
  file?: string;
  uri?: string;
  create?: boolean;
  /** The text replacing `range` of the file (0-based lines and UTF-16 characters; empty at 0:0 for a new file). */
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText?: string;
  /** Rows given per input and rows expected. */
  inputs?: Array<{ input: string; rows: number }>;
  expectedRows?: number;
  /** Why no unit test could be saved (the inputs are not built, the YAML does not parse…). */
  error?: string;
}

// ---------------------------------------------------------------------------
// medallion/compiled: the compiled SQL of a model (Jinja rendered, refs resolved).

export const CompiledRequestMethod = 'medallion/compiled';

export type CompiledParams = ModelTarget;

export interface CompiledResult {
  /** Node id, e.g. 'model.events'. Empty when no model matched. */
  id: string;
  sql: string;
  /** Compile problems as text (the same problems also arrive as diagnostics). */
  errors: string[];
}

// ---------------------------------------------------------------------------
// medallion/lineage: the DAG around a model (or the whole project), with column-level edges.

export const LineageRequestMethod = 'medallion/lineage';

export interface LineageParams extends ModelTarget {
  /** How many levels up and down from the target to include; default: all. Ignored without a target. */
  depth?: number;
  /** Include column-level edges (binding may take longer on large graphs); default true. */
  columns?: boolean;
}

export interface LineageNode {
  /** 'model.x', 'source.s.t', 'seed.y'. */
  id: string;
  kind: 'model' | 'source' | 'seed';
  name: string;
  layer?: string;
  materialization?: string;
  description?: string;
  /** The file that defines it, as a URI (model .sql, source YAML, seed .csv). */
  uri?: string;
  columns: PreviewColumn[];
  /** The last run's status for this node, when target/run_results.json knows it. */
  lastRun?: { status: string; rows?: number; at?: string };
}

export interface LineageEdge {
  /** Upstream node id. */
  from: string;
  /** Downstream node id. */
  to: string;
}

export interface ColumnEdge {
  from: { node: string; column: string };
  to: { node: string; column: string };
}

export interface LineageResult {
  /** The target node id, when one was given and found. */
  focus?: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
  columnEdges: ColumnEdge[];
}

// ---------------------------------------------------------------------------
// medallion/projectInfo: what the status bar shows.

export const ProjectInfoRequestMethod = 'medallion/projectInfo';

export interface ProjectInfoResult {
  /** False when no pipeline.yml / dbt_project.yml was found in the workspace. */
  found: boolean;
  name: string;
  /** Absolute root, as a URI. */
  rootUri: string;
  format: 'pipeline' | 'dbt';
  /** 'failed' when the project file does not parse: per-file features keep working. */
  state: 'loaded' | 'failed';
  modelCount: number;
  sourceCount: number;
  /** The target name runs and rendering use (target.name). */
  target: string;
  /** The engine the target runs on: runs and previews go to a Trino cluster for 'trino'. */
  engine?: 'duckdb' | 'trino';
  lastRun?: { status: 'success' | 'error'; at: string; elapsedMs: number; nodes: number };
}

/** The server sends this after (re)indexing, so the client can refresh its status bar and views. */
export const ProjectChangedNotificationMethod = 'medallion/projectChanged';

export interface ProjectChangedParams {
  /**
   * False right after the first, fast pass (models, sources, DAG): schema YAML (descriptions,
   * contracts) is still being read. True once everything is indexed.
   */
  complete: boolean;
}

// ---------------------------------------------------------------------------
// medallion/validateOnTrino: the "Validate on Trino" lens. The model is compiled for the active (Trino)
// target and checked for SQL Trino refuses: statically, and with EXPLAIN (TYPE VALIDATE) on the cluster
// when it answers. Problems come back as diagnostics of the model's file (the client shows them).

export const ValidateOnTrinoRequestMethod = 'medallion/validateOnTrino';

export type ValidateOnTrinoParams = ModelTarget;

/** An LSP diagnostic (0-based lines, UTF-16 characters) in the model's file. */
export interface ValidateDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** 1 error, 2 warning. */
  severity: 1 | 2;
  message: string;
}

export interface ValidateOnTrinoResult {
  /** The model's name; empty when none matched. */
  model: string;
  /** The model's file, as a URI. */
  uri?: string;
  /** True when no error was found. */
  valid: boolean;
  /** True when the cluster checked it too (else only the static check ran). */
  cluster: boolean;
  diagnostics: ValidateDiagnostic[];
  /** Why nothing could be checked (no Trino target, no model here). */
  error?: string;
}

// ---------------------------------------------------------------------------
// Code lens commands: the server emits lenses with these command ids; the client registers them.

export const LensCommands = {
  run: 'medallion.runModel',
  preview: 'medallion.previewModel',
  lineage: 'medallion.showLineage',
  validate: 'medallion.validateOnTrino',
} as const;
/** Every lens command is called with one argument of this shape. */
export interface LensArgs {
  model: string;
  uri: string;
  /** The run command of the lens's node: `snapshot` for a snapshot. */
  command: 'run' | 'snapshot';
}
