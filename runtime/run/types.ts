// The runner's public data: options, per-node results, the event stream and run_results.json.
import type { CompileOptions } from '../compile/compile.js';
import type { EngineSession } from '../engine/adapter.js';
import type { Lake } from '../lake/lake.js';
import type { DeferState } from './defer.js';
import type { RunSteps } from './engines.js';
import type { CompiledNode, Diagnostic, Project, Range, Result, SeedNode, TestNode } from '../project/types.js';
import type { Graph, GraphNode } from '../graph/dag.js';

export type { GraphNode };

/** The part of the project's Graph (runtime/graph/dag.ts) the runner reads: nodes, edges and order. */
export type RunGraph = Pick<Graph, 'nodes' | 'parents' | 'children' | 'order'>;

export type NodeStatus = 'success' | 'warn' | 'error' | 'fail' | 'skipped' | 'cancelled';
/** 'operation': an on-run-start/on-run-end hook (dbt's resource type). */
export type NodeKind = 'source' | 'model' | 'seed' | 'test' | 'operation';

export interface NodeError {
  /** Project-relative file the error is in (the model, the YAML, pipeline.yml). */
  file: string;
  range?: Range;
  message: string;
}

export interface NodeResult {
  id: string;
  kind: NodeKind;
  name: string;
  status: NodeStatus;
  /** Rows written (models, seeds, sources) or failing rows (tests). */
  rows?: number;
  ms: number;
  /** One line for the progress display: 'table', '3 rejected', 'upstream model.x failed'. */
  message?: string;
  error?: NodeError;
  /** Extra facts: a source's read/accepted/rejected/duplicates, a test's first failing rows. */
  details?: Record<string, unknown>;
}

export type RunEvent =
  | { type: 'start'; runId: string; total: number; ids: string[] }
  | { type: 'node-start'; id: string; kind: NodeKind; name: string; index: number; total: number }
  | { type: 'node-finish'; result: NodeResult; index: number; total: number }
  | { type: 'finish'; results: RunResults };

export interface RunResults {
  runId: string;
  command: string;
  startedAt: string;
  elapsedMs: number;
  /** False when any node ended in error or fail (tests with severity warn only warn). */
  success: boolean;
  results: NodeResult[];
  /** Problems that stopped the run before any node ran (a held lock, a broken project). */
  errors: NodeError[];
  /** --defer: the unselected models and seeds read from the state's relations instead. */
  deferred?: string[];
}

/** What a seed or test runner gets: the engine session to use and the run's facts. */
export interface NodeContext {
  db: EngineSession;
  lake: Lake;
  project: Project;
  graph: RunGraph;
  runId: string;
  tempDir: string;
  fullRefresh: boolean;
  signal?: AbortSignal;
  /** The steps that differ by the warehouse's engine (engines.ts). */
  steps: RunSteps;
  /** Compiles a node in dbt's execute phase: its templates may query `db` (run_query, statement, introspection). */
  compile(id: string, opts?: { isIncremental?: boolean }): Promise<CompiledNode>;
}

/** What a seed or test reports back; the runner adds the timing. */
export type NodeOutcome = Omit<NodeResult, 'id' | 'kind' | 'name' | 'ms'>;

/** The pieces the runner takes from the other parts of the runtime (injected, so tests can stub them). */
export interface RunHooks {
  compile(project: Project, graph: RunGraph, id: string, opts?: CompileOptions): CompiledNode;
  select(graph: RunGraph, selection: { select?: string[]; exclude?: string[]; indirectTests?: 'eager' | 'cautious' }): Result<string[]>;
  runSeed?(ctx: NodeContext, seed: SeedNode): Promise<NodeOutcome>;
  runTest?(ctx: NodeContext, test: TestNode): Promise<NodeOutcome>;
}

export interface RunOptions {
  /** 'run' (sources + models), 'build' (seeds, models and tests in DAG order), 'seed', 'test'. */
  command?: 'run' | 'build' | 'seed' | 'test' | 'snapshot';
  select?: string[];
  exclude?: string[];
  fullRefresh?: boolean;
  failFast?: boolean;
  /** Nodes run at once; default the project's threads. */
  threads?: number;
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
  /** Overrides the project's lake (tests, the server's S3 cache). */
  lake?: Lake;
  /** Overrides the warehouse file (absolute or relative to the project root). */
  warehouse?: string;
  /** Write run_results.json, manifest.json and catalog.json under the target path (default true). */
  writeResults?: boolean;
  /** --defer --state: refs to unselected nodes missing from the warehouse resolve to the state's relations. */
  defer?: DeferState;
  hooks?: Partial<RunHooks>;
  /** Folders outside the project the run's SQL may also read and write (the user's MEDALLION_ALLOWED_DIRECTORIES, allowed.ts). */
  allowedDirectories?: string[];
}

export type { Diagnostic };
