// Runs a selection of the DAG on the warehouse: sources, seeds, models and tests in parallel up to
// `threads`, skipping the downstream of a failure, cancellable, reporting events and run_results.json.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { EngineAdapter, EngineSession } from '../engine/adapter.js';
import { ident, splitRelation } from '../engine/sql.js';
import { openWarehouse, WarehouseLockedError } from '../engine/duckdb.js';
import { connectionOf, openTrino } from '../engine/trino.js';
import { profileSetup } from '../engine/profileSetup.js';
import { compileExecuting, fetchOn } from '../compile/execute.js';
import { reclaimScratch, scratchName } from '../lake/leftovers.js';
import type { Lake } from '../lake/lake.js';
import { openLake } from '../lake/open.js';
import { mkdirInside } from '../lake/within.js';
import type { Project } from '../project/types.js';
import { writeCatalog } from './catalog.js';
import { applyDefer } from './defer.js';
import { defaultHooks } from './hooks.js';
import { runEndContext, runOperations } from './sqlHooks.js';
import { runSteps, type RunSteps } from './engines.js';
import { writeManifest } from './manifest.js';
import { messageOf, nameOf, runNode } from './node.js';
import { planNodes, schedule } from './plan.js';
import { dbtRunResults, newRunId, saveRunResults, type NodeFacts } from './results.js';
import { execute } from './scheduler.js';
import type { NodeContext, NodeError, NodeResult, RunEvent, RunGraph, RunHooks, RunOptions, RunResults } from './types.js';

export async function runPipeline(project: Project, graph: RunGraph, options: RunOptions = {}): Promise<RunResults> {
  const hooks = { ...defaultHooks, ...options.hooks };
  if (!hooks.compile || !hooks.select) throw new Error('runPipeline needs the compile and select hooks');
  const command = options.command ?? 'run';
  const run = new RunRecord(project, graph, command, options);
  // As in dbt, build and test also take the tests attached to what is selected.
  const indirectTests = command === 'build' || command === 'test' ? 'eager' : undefined;
  const selection = hooks.select(graph, { select: options.select, exclude: options.exclude, indirectTests });
  const selectionErrors = selection.diagnostics.filter((d) => d.severity === 'error');
  if (selectionErrors.length) return run.finish([], selectionErrors.map((d) => ({ file: d.file, range: d.range, message: d.message })), false);
  const { parents, order } = schedule(graph, planNodes(graph, selection.value, command), command === 'build');
  run.emit({ type: 'start', runId: run.runId, total: order.length, ids: order });
  if (order.length === 0) return run.finish([], [], false);
  const opened = await openRun(project, graph, order, options, run.runId);
  if (typeof opened === 'string') return run.finish([], [{ file: project.config.file, message: opened }], false);
  try {
    return await runOpened(run, opened, { ...hooks, compile: hooks.compile }, order, parents);
  } finally {
    opened.warehouse.close();
    await fsp.rm(opened.tempDir, { recursive: true, force: true });
  }
}

/** A run's identity and what it collects for run_results.json and the manifest; finish() writes them. */
class RunRecord {
  readonly runId = newRunId();
  private readonly started = Date.now();
  /** --defer: the unselected models and seeds read from the state's relations. */
  deferred: string[] = [];
  /** Each node's thread, times and compiled SQL, for run_results.json and the manifest. */
  readonly facts = new Map<string, NodeFacts>();
  readonly compiledSql = new Map<string, string>();

  constructor(readonly project: Project, readonly graph: RunGraph, readonly command: string, readonly options: RunOptions) {}

  emit(event: RunEvent): void {
    this.options.onEvent?.(event);
  }

  /** `ran`: whether the run got its warehouse; a run refused before that keeps the last results. */
  async finish(results: NodeResult[], errors: NodeError[], ran: boolean): Promise<RunResults> {
    const { project, graph, options } = this;
    const run: RunResults = {
      runId: this.runId,
      command: this.command,
      startedAt: new Date(this.started).toISOString(),
      elapsedMs: Date.now() - this.started,
      success: errors.length === 0 && results.every((r) => r.status !== 'error' && r.status !== 'fail' && r.status !== 'cancelled'),
      results,
      errors,
      ...(this.deferred.length ? { deferred: this.deferred } : {}),
    };
    if (ran && options.writeResults !== false) {
      for (const [id, sql] of this.compiledSql) this.facts.get(id)!.compiledSql = sql;
      await saveRunResults(project, this.runId, dbtRunResults(project, run, graph.nodes, this.facts, options));
      await writeManifest(project, graph, this.runId, this.compiledSql, run.startedAt);
    }
    this.emit({ type: 'finish', results: run });
    return run;
  }
}

interface OpenedRun {
  lake: Lake;
  warehouse: EngineAdapter;
  /** This run's scratch folder, removed after it. */
  tempDir: string;
}

/** The lake checked, the warehouse opened and the scratch folder made, or why the run cannot start. */
async function openRun(project: Project, graph: RunGraph, order: string[], options: RunOptions, runId: string): Promise<OpenedRun | string> {
  // An unreachable lake is one clear error before anything starts, not a failure on every source.
  const lake = options.lake ?? openLake(project);
  if (order.some((id) => graph.nodes.get(id)?.kind === 'source' || graph.nodes.get(id)?.kind === 'model')) {
    try {
      await lake.check();
    } catch (err) {
      return messageOf(err);
    }
  }
  const warehouseFile = path.resolve(project.root, options.warehouse ?? project.config.warehouse);
  let warehouse: EngineAdapter;
  const trino = project.config.trino;
  try {
    const setup = profileSetup(project.root, project.config.duckdb);
    warehouse = trino ? await openTrino(connectionOf(trino)) : await openWarehouse(warehouseFile, { confineTo: [...sqlDirectories(project), ...setup.directories, ...(options.allowedDirectories ?? [])], setup });
  } catch (err) {
    return err instanceof WarehouseLockedError || trino ? (err as Error).message : `Could not open the warehouse ${warehouseFile}: ${(err as Error).message}`;
  }
  // Scratch lives in the project, named by this process, so a later run reclaims it if this one is killed.
  const scratch = path.join(project.root, '.medallion', 'scratch');
  const tempDir = path.join(scratch, scratchName(runId));
  try {
    await mkdirInside(project.root, tempDir);
  } catch (err) {
    warehouse.close();
    return messageOf(err);
  }
  return { lake, warehouse, tempDir };
}

/** On the opened warehouse: --defer, the schemas, on-run-start hooks, the nodes, on-run-end hooks, the catalog. */
async function runOpened(run: RunRecord, opened: OpenedRun, hooks: Partial<RunHooks> & Pick<RunHooks, 'compile'>, order: string[], parents: Map<string, Set<string>>): Promise<RunResults> {
  const { project, graph, options } = run;
  const { warehouse } = opened;
  await reclaimScratch(path.dirname(opened.tempDir));
  // --defer: what this run compiles against, with the state's relations for missing upstream nodes.
  let runProject = project;
  if (options.defer) {
    const defer = await applyDefer(warehouse, project, graph, order, options.defer);
    if (defer.errors.length) return run.finish([], defer.errors.map((message) => ({ file: project.config.file, message })), false);
    ({ project: runProject, deferred: run.deferred } = defer);
  }
  const steps = runSteps(warehouse.engine);
  await prepareSchemas(warehouse, graph, order, steps, { lake: opened.lake, project: runProject, graph });
  const threads = Math.max(1, Math.floor(options.threads ?? project.config.threads ?? 4));
  const sessions: EngineSession[] = [warehouse];
  for (let i = 1; i < Math.min(threads, order.length); i++) sessions.push(await warehouse.session());
  const base = { lake: opened.lake, project: runProject, graph, runId: run.runId, tempDir: opened.tempDir, fullRefresh: options.fullRefresh ?? false, signal: options.signal, steps };
  // dbt's execute phase: a node's templates may query the warehouse on the node's own session.
  const compileOn = (db: EngineSession): NodeContext['compile'] => async (id, opts) => {
    const compiled = await compileExecuting((o) => hooks.compile(runProject, graph, id, o), fetchOn(db), { ...opts, fullRefresh: base.fullRefresh });
    run.compiledSql.set(id, compiled.sql);
    return compiled;
  };
  // dbt's on-run-start hooks; when one fails, no node runs.
  const start = await runOperations(warehouse, runProject, 'start', {});
  const results = start.some((r) => r.status === 'error')
    ? order.map((id): NodeResult => ({ id, kind: graph.nodes.get(id)!.kind, name: nameOf(graph.nodes.get(id)!), status: 'skipped', ms: 0, message: 'skipped: an on-run-start hook failed' }))
    : await execute(order, parents, graph, sessions, options, (e) => run.emit(e), run.facts, (db, node) => runNode({ ...base, db, compile: compileOn(db) }, hooks, node));
  const end = await runOperations(warehouse, runProject, 'end', runEndContext(results, builtSchemas(graph, order)));
  if (options.writeResults !== false && steps.catalog) await writeCatalog(warehouse, project, graph);
  return run.finish([...start, ...results, ...end], [], true);
}

/** Where a run's SQL may read and write besides the warehouse's folder: the project and a local lake outside it. */
function sqlDirectories(project: Project): string[] {
  const lake = project.config.lake;
  return [project.root, ...(lake.kind === 'local' ? [path.resolve(project.root, lake.path)] : [])];
}

/** The schemas a run's nodes build into (on-run-end's `schemas`). */
function builtSchemas(graph: RunGraph, order: string[]): string[] {
  const kinds = new Set(['model', 'seed']);
  return [...new Set(order.map((id) => graph.nodes.get(id)).filter((n) => n && kinds.has(n.kind)).map((n) => splitRelation((n as { relation: string }).relation).schema))];
}

/** Creates every schema the run writes to before nodes run in parallel (concurrent creates would conflict). */
async function prepareSchemas(db: EngineSession, graph: RunGraph, order: string[], steps: RunSteps, run: Parameters<RunSteps['prepare']>[1]): Promise<void> {
  const schemas = new Set<string>();
  for (const id of order) {
    const node = graph.nodes.get(id);
    if (node && node.kind !== 'test' && !(node.kind === 'model' && node.skip)) schemas.add(splitRelation(node.relation).schema);
  }
  for (const schema of schemas) await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  await steps.prepare(db, run);
}
