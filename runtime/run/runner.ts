// Runs a selection of the DAG on the warehouse: sources, seeds, models and tests in parallel up to
// `threads`, skipping the downstream of a failure, cancellable, reporting events and run_results.json.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { EngineAdapter, EngineSession } from '../engine/adapter.js';
import { ident, splitRelation } from '../engine/sql.js';
import { openWarehouse, WarehouseLockedError } from '../engine/duckdb.js';
import { connectionOf, openTrino } from '../engine/trino.js';
import { profileSetup } from '../engine/profileSetup.js';
import { compileExecuting, fetchOn } from '../compile/execute.js';
import { walk } from '../graph/select.js';
import { reclaimScratch, scratchName } from '../lake/leftovers.js';
import { openLake } from '../lake/open.js';
import { mkdirInside } from '../lake/within.js';
import type { CompiledNode, ModelNode, Project, Range, SourceTable } from '../project/types.js';
import { SourceError } from './bronze.js';
import { writeCatalog } from './catalog.js';
import { applyDefer } from './defer.js';
import { externalTarget } from './externalModel.js';
import { missingExternalSource } from './externalSources.js';
import { defaultHooks } from './hooks.js';
import { runPythonModel } from './pythonModel.js';
import { runSnapshotNode } from './snapshot.js';
import { HookError, runEndContext, runOperations, withHooks } from './sqlHooks.js';
import { ModelError } from './materialize.js';
import { runSteps, type RunSteps } from './engines.js';
import { writeManifest } from './manifest.js';
import { dbtRunResults, saveRunResults, type NodeFacts } from './results.js';
import type { GraphNode, NodeContext, NodeError, NodeOutcome, NodeResult, RunEvent, RunGraph, RunHooks, RunOptions, RunResults } from './types.js';

export async function runPipeline(project: Project, graph: RunGraph, options: RunOptions = {}): Promise<RunResults> {
  const hooks = { ...defaultHooks, ...options.hooks };
  if (!hooks.compile || !hooks.select) throw new Error('runPipeline needs the compile and select hooks');
  const { compile: compileHook, select } = hooks;
  const command = options.command ?? 'run';
  const runId = newRunId();
  const started = Date.now();
  const emit = (event: RunEvent): void => options.onEvent?.(event);
  let deferred: string[] = [];
  /** Each node's thread, times and compiled SQL, for run_results.json and the manifest. */
  const facts = new Map<string, NodeFacts>();
  const compiledSql = new Map<string, string>();
  /** `ran`: whether the run got its warehouse; a run refused before that keeps the last results. */
  const finish = async (results: NodeResult[], errors: NodeError[], ran: boolean): Promise<RunResults> => {
    const run: RunResults = {
      runId,
      command,
      startedAt: new Date(started).toISOString(),
      elapsedMs: Date.now() - started,
      success: errors.length === 0 && results.every((r) => r.status !== 'error' && r.status !== 'fail' && r.status !== 'cancelled'),
      results,
      errors,
      ...(deferred.length ? { deferred } : {}),
    };
    if (ran && options.writeResults !== false) {
      for (const [id, sql] of compiledSql) facts.get(id)!.compiledSql = sql;
      await saveRunResults(project, runId, dbtRunResults(project, run, graph.nodes, facts, options));
      await writeManifest(project, graph, runId, compiledSql, run.startedAt);
    }
    emit({ type: 'finish', results: run });
    return run;
  };

  // As in dbt, build and test also take the tests attached to what is selected.
  const indirectTests = command === 'build' || command === 'test' ? 'eager' : undefined;
  const selection = select(graph, { select: options.select, exclude: options.exclude, indirectTests });
  const selectionErrors = selection.diagnostics.filter((d) => d.severity === 'error');
  if (selectionErrors.length) return finish([], selectionErrors.map((d) => ({ file: d.file, range: d.range, message: d.message })), false);
  const ids = planNodes(graph, selection.value, command);
  const { parents, order } = schedule(graph, ids, command === 'build');
  emit({ type: 'start', runId, total: order.length, ids: order });
  if (order.length === 0) return finish([], [], false);

  // An unreachable lake is one clear error before anything starts, not a failure on every source.
  const lake = options.lake ?? openLake(project);
  if (order.some((id) => graph.nodes.get(id)?.kind === 'source' || graph.nodes.get(id)?.kind === 'model')) {
    try {
      await lake.check();
    } catch (err) {
      return finish([], [{ file: project.config.file, message: messageOf(err) }], false);
    }
  }
  const warehouseFile = path.resolve(project.root, options.warehouse ?? project.config.warehouse);
  let warehouse: EngineAdapter;
  const trino = project.config.trino;
  try {
    const setup = profileSetup(project.root, project.config.duckdb);
    warehouse = trino ? await openTrino(connectionOf(trino)) : await openWarehouse(warehouseFile, { confineTo: [...sqlDirectories(project), ...setup.directories, ...(options.allowedDirectories ?? [])], setup });
  } catch (err) {
    const message = err instanceof WarehouseLockedError || trino ? (err as Error).message : `Could not open the warehouse ${warehouseFile}: ${(err as Error).message}`;
    return finish([], [{ file: project.config.file, message }], false);
  }
  // Scratch lives in the project, named by this process, so a later run reclaims it if this one is killed.
  const scratch = path.join(project.root, '.medallion', 'scratch');
  const tempDir = path.join(scratch, scratchName(runId));
  try {
    await mkdirInside(project.root, tempDir);
  } catch (err) {
    warehouse.close();
    return finish([], [{ file: project.config.file, message: messageOf(err) }], false);
  }
  try {
    await reclaimScratch(scratch);
    // --defer: what this run compiles against, with the state's relations for missing upstream nodes.
    let runProject = project;
    if (options.defer) {
      const defer = await applyDefer(warehouse, project, graph, order, options.defer);
      if (defer.errors.length) return await finish([], defer.errors.map((message) => ({ file: project.config.file, message })), false);
      ({ project: runProject, deferred } = defer);
    }
    const steps = runSteps(warehouse.engine);
    await prepareSchemas(warehouse, graph, order, steps);
    const threads = Math.max(1, Math.floor(options.threads ?? project.config.threads ?? 4));
    const sessions: EngineSession[] = [warehouse];
    for (let i = 1; i < Math.min(threads, order.length); i++) sessions.push(await warehouse.session());
    const base = { lake, project: runProject, graph, runId, tempDir, fullRefresh: options.fullRefresh ?? false, signal: options.signal };
    // dbt's execute phase: a node's templates may query the warehouse on the node's own session.
    const compileOn = (db: EngineSession): NodeContext['compile'] => async (id, opts) => {
      const compiled = await compileExecuting((o) => compileHook(runProject, graph, id, o), fetchOn(db), { ...opts, fullRefresh: base.fullRefresh });
      compiledSql.set(id, compiled.sql);
      return compiled;
    };
    // dbt's on-run-start hooks; when one fails, no node runs.
    const start = await runOperations(warehouse, runProject, 'start', {});
    const results = start.some((r) => r.status === 'error')
      ? order.map((id): NodeResult => ({ id, kind: graph.nodes.get(id)!.kind, name: nameOf(graph.nodes.get(id)!), status: 'skipped', ms: 0, message: 'skipped: an on-run-start hook failed' }))
      : await execute(order, parents, graph, sessions, options, emit, facts, (db, node) => runNode({ ...base, db, compile: compileOn(db) }, hooks, node, steps));
    const end = await runOperations(warehouse, runProject, 'end', runEndContext(results, builtSchemas(graph, order)));
    if (options.writeResults !== false && steps.catalog) await writeCatalog(warehouse, project, graph);
    return await finish([...start, ...results, ...end], [], true);
  } finally {
    warehouse.close();
    await fsp.rm(tempDir, { recursive: true, force: true });
  }
}

/** Where a run's SQL may read and write besides the warehouse's folder: the project and a local lake outside it. */
function sqlDirectories(project: Project): string[] {
  const lake = project.config.lake;
  return [project.root, ...(lake.kind === 'local' ? [path.resolve(project.root, lake.path)] : [])];
}

/** The selected nodes the command runs, plus the lake-backed sources the selected models read. */
export function planNodes(graph: RunGraph, selected: string[], command: string): Set<string> {
  const kinds: Record<string, string[]> = { run: ['model'], build: ['seed', 'model', 'test', 'source', 'snapshot'], seed: ['seed'], test: ['test'], snapshot: ['snapshot'] };
  const wanted = new Set(kinds[command] ?? kinds.run);
  const ids = new Set<string>();
  for (const id of selected) {
    const node = graph.nodes.get(id);
    if (!node || !wanted.has(node.kind === 'model' && node.snapshot ? 'snapshot' : node.kind)) continue;
    if (node.kind === 'model' && (node.config.materialized === 'ephemeral' || !node.config.enabled)) continue;
    if (node.kind === 'source' && !node.path) continue;
    ids.add(id);
  }
  if (command === 'run' || command === 'build') {
    // Sources are read through ephemeral models too, since those are inlined.
    const addSources = (id: string, seen: Set<string>): void => {
      for (const parent of graph.parents.get(id) ?? []) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        const node = graph.nodes.get(parent);
        if (node?.kind === 'source' && node.path) ids.add(parent);
        if (node?.kind === 'model' && node.config.materialized === 'ephemeral') addSources(parent, seen);
      }
    };
    const seen = new Set<string>();
    for (const id of [...ids]) addSources(id, seen);
  }
  return ids;
}

/**
 * Dependencies among the nodes that run, in an order where parents come first. Ephemeral models in
 * between are looked through. In a build, a node also waits for a test when everything the test
 * reads is upstream of it (dbt's rule), so a failing test stops the downstream; a test that also
 * reads a sibling (a relationships test) does not hold back the models between.
 */
function schedule(graph: RunGraph, ids: Set<string>, build: boolean): { parents: Map<string, Set<string>>; order: string[] } {
  const parents = new Map<string, Set<string>>();
  const upstream = (id: string, seen = new Set<string>()): Set<string> => {
    const out = new Set<string>();
    for (const p of graph.parents.get(id) ?? []) {
      if (seen.has(p)) continue;
      seen.add(p);
      if (ids.has(p)) out.add(p);
      else for (const q of upstream(p, seen)) out.add(q);
    }
    return out;
  };
  for (const id of ids) parents.set(id, upstream(id));
  if (build) {
    for (const id of ids) {
      if (graph.nodes.get(id)?.kind !== 'test') continue;
      const reads = [...(graph.parents.get(id) ?? [])];
      if (reads.length === 0) continue;
      // The nodes below everything the test reads.
      const below = reads.map((r) => walk(graph, graph.children.get(r) ?? [], 'children', Infinity)).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
      for (const other of below) if (other !== id && ids.has(other) && graph.nodes.get(other)?.kind !== 'test') parents.get(other)!.add(id);
    }
    // As in dbt, a model's unit tests run one after another just before it (after what the model waits
    // for): each waits for the one before, so the first failure skips the rest and the model.
    for (const id of ids) {
      const node = graph.nodes.get(id);
      if (node?.kind !== 'test' || !node.unit || !node.attachedTo || !ids.has(node.attachedTo)) continue;
      parents.set(id, new Set(parents.get(node.attachedTo)));
      parents.get(node.attachedTo)!.add(id);
    }
  }
  const ordered = graph.order.filter((id) => ids.has(id));
  const inOrder = new Set(ordered);
  const rest = [...ids].filter((id) => !inOrder.has(id));
  return { parents, order: topological(ordered.concat(rest), parents) };
}

/** Kahn's order over the scheduled edges, stable with respect to `preferred`; nodes left in a cycle come last. */
function topological(preferred: string[], parents: Map<string, Set<string>>): string[] {
  const placed = new Set<string>();
  const order: string[] = [];
  let progress = true;
  while (progress && order.length < preferred.length) {
    progress = false;
    for (const id of preferred) {
      if (placed.has(id) || [...(parents.get(id) ?? [])].some((p) => !placed.has(p))) continue;
      placed.add(id);
      order.push(id);
      progress = true;
    }
  }
  return order.concat(preferred.filter((id) => !placed.has(id)));
}

/** The schemas a run's nodes build into (on-run-end's `schemas`). */
function builtSchemas(graph: RunGraph, order: string[]): string[] {
  const kinds = new Set(['model', 'seed']);
  return [...new Set(order.map((id) => graph.nodes.get(id)).filter((n) => n && kinds.has(n.kind)).map((n) => splitRelation((n as { relation: string }).relation).schema))];
}

/** Creates every schema the run writes to before nodes run in parallel (concurrent creates would conflict). */
async function prepareSchemas(db: EngineSession, graph: RunGraph, order: string[], steps: RunSteps): Promise<void> {
  const schemas = new Set<string>();
  for (const id of order) {
    const node = graph.nodes.get(id);
    if (node && node.kind !== 'test' && !(node.kind === 'model' && node.skip)) schemas.add(splitRelation(node.relation).schema);
  }
  for (const schema of schemas) await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  await steps.prepare(db);
}

type Work = (db: EngineSession, node: GraphNode) => Promise<Omit<NodeResult, 'ms'>>;

/** The scheduler: a node starts when its parents succeeded; a failure skips everything downstream. */
async function execute(order: string[], parents: Map<string, Set<string>>, graph: RunGraph, sessions: EngineSession[], options: RunOptions, emit: (e: RunEvent) => void, facts: Map<string, NodeFacts>, work: Work): Promise<NodeResult[]> {
  const results = new Map<string, NodeResult>();
  const total = order.length;
  const waiting = new Set(order);
  const free = [...sessions];
  const running = new Map<string, EngineSession>();
  const interrupted = new Set<string>();
  let index = 0;
  let stopped: string | undefined;
  // DuckDB forgets an interrupt that lands between two statements, so keep interrupting what still
  // runs until it has stopped; statements not yet started are refused by the guard in runNode.
  let repeat: ReturnType<typeof setInterval> | undefined;
  const stop = (reason: string): void => {
    stopped ??= reason;
    const interruptAll = (): void => {
      for (const [id, session] of running) {
        interrupted.add(id);
        session.interrupt();
      }
    };
    interruptAll();
    repeat ??= setInterval(interruptAll, 50);
  };
  const onAbort = (): void => stop('cancelled');
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) onAbort();

  const record = (result: NodeResult): void => {
    results.set(result.id, result);
    emit({ type: 'node-finish', result, index: ++index, total });
  };
  const blockedBy = (id: string): string | undefined => {
    for (const p of parents.get(id) ?? []) {
      const r = results.get(p);
      if (r && r.status !== 'success' && r.status !== 'warn') return p;
    }
    return undefined;
  };

  await new Promise<void>((resolve) => {
    const pump = (): void => {
      for (const id of [...waiting]) {
        const blocker = stopped ? undefined : blockedBy(id);
        if (stopped || blocker) {
          waiting.delete(id);
          const node = graph.nodes.get(id)!;
          const status = stopped === 'cancelled' ? 'cancelled' : 'skipped';
          const upstream = blocker && results.get(blocker)!.status;
          record({ id, kind: node.kind, name: nameOf(node), status, ms: 0, message: blocker ? `skipped: upstream ${blocker} ${upstream === 'skipped' ? 'was skipped' : upstream}` : stopped === 'cancelled' ? 'cancelled' : `skipped: --fail-fast after ${stopped}` });
          continue;
        }
        if (free.length === 0) break;
        if ([...(parents.get(id) ?? [])].some((p) => !results.has(p))) continue;
        waiting.delete(id);
        const session = free.pop()!;
        running.set(id, session);
        const db = guard(session, () => stopped !== undefined);
        const node = graph.nodes.get(id)!;
        emit({ type: 'node-start', id, kind: node.kind, name: nameOf(node), index: index + 1, total });
        const t0 = performance.now();
        const startedAt = new Date().toISOString();
        work(db, node)
          .catch((err: unknown): Omit<NodeResult, 'ms'> => ({ id, kind: node.kind, name: nameOf(node), status: 'error', message: firstLine(err), error: { file: fileOf(node), message: messageOf(err) } }))
          .then((r) => {
            running.delete(id);
            free.push(session);
            facts.set(id, { thread: sessions.indexOf(session), startedAt, completedAt: new Date().toISOString() });
            const cancelled = stopped !== undefined && r.status === 'error' && (interrupted.has(id) || r.error?.message === CANCELLED);
            record(cancelled ? { ...r, status: 'cancelled', message: 'cancelled', ms: Math.round(performance.now() - t0) } : { ...r, ms: Math.round(performance.now() - t0) });
            if ((r.status === 'error' || r.status === 'fail') && !cancelled && options.failFast) stop(id);
            pump();
          });
      }
      if (waiting.size === 0 && running.size === 0) resolve();
      else if (running.size === 0 && free.length > 0) {
        // Nothing runs and nothing can start: a cycle among the remaining nodes.
        for (const id of [...waiting]) {
          waiting.delete(id);
          const node = graph.nodes.get(id)!;
          record({ id, kind: node.kind, name: nameOf(node), status: 'error', ms: 0, message: 'dependency cycle', error: { file: fileOf(node), message: 'This node is part of a dependency cycle' } });
        }
        resolve();
      }
    };
    pump();
  });
  options.signal?.removeEventListener('abort', onAbort);
  clearInterval(repeat);
  return order.map((id) => results.get(id)!);
}

const CANCELLED = 'cancelled before the statement started';

/** A session that refuses new statements once the run is stopping. */
function guard(session: EngineSession, stopping: () => boolean): EngineSession {
  const check = (): void => {
    if (stopping()) throw new Error(CANCELLED);
  };
  return {
    // A rollback still goes through: it is how a stopped model leaves the previous version.
    exec: async (sql) => (/^\s*ROLLBACK/i.test(sql) || check(), session.exec(sql)),
    query: async (sql, params) => (check(), session.query(sql, params)),
    describe: async (sql) => (check(), session.describe(sql)),
    stream: (sql, opts) => (check(), session.stream(sql, opts)),
    interrupt: () => session.interrupt(),
    close: () => session.close(),
  };
}

async function runNode(ctx: NodeContext, hooks: Partial<RunHooks>, node: GraphNode, steps: RunSteps): Promise<Omit<NodeResult, 'ms'>> {
  const head = { id: node.id, kind: node.kind, name: nameOf(node) } as const;
  switch (node.kind) {
    case 'source':
      return { ...head, ...(await runSource(ctx, node, steps)) };
    case 'model':
      if (node.language === 'python' && !node.package) return { ...head, ...(await runPythonModel(ctx, node)) };
      if (node.skip) return { ...head, status: 'skipped', message: node.skip };
      if (node.snapshot) return { ...head, ...(await runSnapshotNode(ctx, node)) };
      return { ...head, ...(await runModel(ctx, node, steps)) };
    case 'seed': {
      const { runSeed } = hooks;
      if (!runSeed) return { ...head, status: 'skipped', message: 'seeds are not available yet' };
      return { ...head, ...(await withHooks(ctx.db, ctx.project, node, undefined, () => runSeed(ctx, node))) };
    }
    case 'test':
      if (!hooks.runTest) return { ...head, status: 'skipped', message: 'tests are not available yet' };
      return { ...head, ...(await hooks.runTest(ctx, node)) };
  }
}

async function runSource(ctx: NodeContext, source: SourceTable, steps: RunSteps): Promise<NodeOutcome> {
  const load = await steps.loadSource(ctx, source).catch((err: unknown) => {
    if (err instanceof SourceError) return { status: 'error' as const, message: err.message, error: { ...err.location, message: err.message } };
    throw err;
  });
  if ('status' in load) return load;
  const parts = load.unchanged ? ['unchanged since the last load'] : [`${load.read} read`];
  if (load.rejected && !load.unchanged) parts.push(`${load.rejected} rejected → ${load.rejectedKeys.length === 1 ? load.rejectedKeys[0] : `${path.posix.dirname(load.rejectedKeys[0])}/ (${load.rejectedKeys.length} files)`}`);
  if (load.duplicates && !load.unchanged) parts.push(`${load.duplicates} duplicates dropped`);
  parts.push(...load.warnings);
  return { status: load.warnings.length ? 'warn' : 'success', rows: load.accepted, message: parts.join(', '), details: { ...load } };
}

async function runModel(ctx: NodeContext, model: ModelNode, steps: RunSteps): Promise<NodeOutcome> {
  const missing = await missingExternalSource(ctx.db, ctx.project, ctx.graph, model.id);
  if (missing) return missing;
  const incremental = await steps.isIncrementalRun(ctx.db, model, model.config, ctx.fullRefresh);
  const compiled = await ctx.compile(model.id, { isIncremental: incremental });
  // A materialization known only once rendered (config(materialized=var(...))) that Medallion does not implement.
  const custom = compiled.config?.customMaterialization;
  if (custom !== undefined) return { status: 'skipped', message: `materialization '${custom}' is not supported yet` };
  const problem = compiled.diagnostics.find((d) => d.severity === 'error');
  if (problem) return { status: 'error', message: problem.message, error: { file: problem.file || model.file, range: problem.range, message: problem.message } };
  // pre-hooks, the build with the in-transaction post-hooks inside, then the others (sqlHooks.ts).
  return withHooks(ctx.db, ctx.project, model, compiled, (inTransaction) => build(ctx, steps, model, compiled, incremental, inTransaction));
}

async function build(ctx: NodeContext, steps: RunSteps, model: ModelNode, compiled: CompiledNode, incremental: boolean, inTransaction?: () => Promise<void>): Promise<NodeOutcome> {
  try {
    const result = await steps.materialize({ db: ctx.db, lake: ctx.lake, tempDir: ctx.tempDir, external: externalTarget(ctx.project), inTransaction }, model, compiled, incremental);
    return { status: 'success', rows: result.rows, message: result.message, details: result.published ? { published: result.published } : undefined };
  } catch (err) {
    const message = messageOf(err);
    if (err instanceof HookError) return { status: 'error', message: firstLine(err), error: { file: err.file, range: err.range, message } };
    let range;
    let file = model.file;
    if (err instanceof ModelError && err.compiledOffset !== undefined) range = wordAt(model.text, compiled.map.toTemplate(err.compiledOffset));
    if (err instanceof ModelError && err.code === 'contract' && model.spec) ({ file, range } = model.spec.location);
    return { status: 'error', message: firstLine(err), error: { file, range, message } };
  }
}

/** Widens a point range to the identifier starting there, so the editor underlines the whole name. */
function wordAt(text: string, range: Range): Range {
  const word = /^[\w$"]+/.exec(text.slice(range.start));
  return word && range.end - range.start <= 1 ? { start: range.start, end: range.start + word[0].length } : range;
}

function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

function nameOf(node: GraphNode): string {
  return node.kind === 'source' ? `${node.source}.${node.table}` : node.name;
}

function fileOf(node: GraphNode): string {
  return node.kind === 'source' ? node.location.file : node.file;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function firstLine(err: unknown): string {
  return messageOf(err).split('\n')[0];
}
