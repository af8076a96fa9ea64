// The custom requests (shapes in protocol.ts): run/build/test with $/progress and cancellation,
// preview, compiled SQL, lineage and project info. Runs happen in this process; the warehouse file
// is opened only for the run or preview and closed after, so the CLI can use it in between. In an
// untrusted workspace run, preview and compiled are refused: they render templates and run SQL.
import { allowedDirectories } from '../../../runtime/run/allowed.js';
import type * as lsp from 'vscode-languageserver/node';
import { runPipeline } from '../../../runtime/run/runner.js';
import type { NodeResult } from '../../../runtime/run/types.js';
import { previewNode, previewSql } from '../../../runtime/run/preview.js';
import { compileNode } from '../../../runtime/compile/compile.js';
import { compileSelection } from '../../../runtime/compile/selection.js';
import { selectNodes } from '../../../runtime/graph/select.js';
import type { EngineAdapter } from '../../../runtime/engine/adapter.js';
import type { Workspace } from '../analysis/workspace.js';
import { lineageGraph } from '../analysis/lineageGraph.js';
import { saveUnitTest } from './saveUnitTest.js';
import type { Paths } from './toLsp.js';
import { openPreviewEngine, registerEngineRequests } from './engineRequests.js';
import * as P from './protocol.js';

export interface RequestContext {
  ready: Promise<void>;
  workspace(): Workspace | undefined;
  paths(): Paths | undefined;
  log(message: string): void;
}

/** The answer to a request that would render or run the project's code before the user trusts it. */
const UNTRUSTED_ERROR = 'This workspace is not trusted: Medallion does not render templates, bind SQL or run anything in it until you trust it';

export function registerCustomRequests(connection: lsp.Connection, ctx: RequestContext): void {
  /**
   * Like the standard handlers: waits for the index, never throws to the client. A handler that
   * renders templates or runs SQL says so with `needsTrust`, and is refused in an untrusted workspace.
   */
  function handle<Params, Result>(method: string, fallback: (error: string) => Result, handler: (ws: Workspace, paths: Paths, params: Params, token: lsp.CancellationToken) => Promise<Result> | Result, needsTrust = false): void {
    connection.onRequest(method, async (params: Params, token: lsp.CancellationToken) => {
      try {
        await ctx.ready;
        const ws = ctx.workspace();
        const paths = ctx.paths();
        if (!ws || !paths) return fallback('The project is not indexed');
        if (needsTrust && !ws.trusted) return fallback(UNTRUSTED_ERROR);
        return await handler(ws, paths, params ?? ({} as Params), token);
      } catch (err) {
        ctx.log(`${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return fallback(err instanceof Error ? err.message : String(err));
      }
    });
  }

  /** The node id a request targets: a model by name wins over the file it is written in. */
  function targetId(ws: Workspace, paths: Paths, t: P.ModelTarget): string | undefined {
    const snap = ws.snapshot();
    if (t.model) return snap.refTarget(t.model)?.id;
    const file = t.uri ? paths.file(t.uri) : undefined;
    return file === undefined ? undefined : snap.modelOfFile(file)?.id;
  }

  handle<P.RunParams, P.RunResponse>(P.RunRequestMethod, (error) => ({ status: 'error', elapsedMs: 0, nodes: [], error }), async (ws, _paths, params, token) => {
    const snap = ws.snapshot();
    const progress = connection.window.attachWorkDoneProgress(params.workDoneToken);
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    progress.begin(`Medallion ${params.command}`, 0, 'starting', true);
    try {
      const run = await runPipeline(snap.project, snap.graph, {
        allowedDirectories: allowedDirectories(process.env),
        command: params.command,
        select: params.select,
        exclude: params.exclude,
        fullRefresh: params.fullRefresh,
        signal: abort.signal,
        hooks: { compile: compileNode, select: selectNodes },
        onEvent(event) {
          if (event.type === 'node-start') {
            void connection.sendNotification(P.RunProgressNotificationMethod, { kind: 'start', id: event.id, done: event.index, total: event.total } satisfies P.RunProgress);
            progress.report(Math.round((100 * event.index) / Math.max(1, event.total)), event.name);
          } else if (event.type === 'node-finish') {
            const result = toNodeRunResult(event.result);
            void connection.sendNotification(P.RunProgressNotificationMethod, { kind: 'finish', id: result.id, result, done: event.index + 1, total: event.total } satisfies P.RunProgress);
          }
        },
      });
      const error = run.errors.map((e) => e.message).join('\n');
      return {
        status: abort.signal.aborted ? 'cancelled' : run.success ? 'success' : 'error',
        elapsedMs: run.elapsedMs,
        nodes: run.results.map(toNodeRunResult),
        ...(error ? { error } : {}),
      };
    } finally {
      progress.done();
      await ws.reload('target/run_results.json');
      void connection.sendNotification(P.ProjectChangedNotificationMethod, { complete: !ws.indexing } satisfies P.ProjectChangedParams);
    }
  }, true);

  handle<P.PreviewParams, P.PreviewResult>(P.PreviewRequestMethod, (error) => ({ columns: [], rows: [], truncated: false, elapsedMs: 0, sql: '', error }), async (ws, paths, params, token) => {
    const snap = ws.snapshot();
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    let db: EngineAdapter;
    try {
      db = await openPreviewEngine(snap.project);
    } catch (err) {
      return { columns: [], rows: [], truncated: false, elapsedMs: 0, sql: '', error: err instanceof Error ? err.message : String(err) };
    }
    try {
      const options = { limit: params.limit, signal: abort.signal };
      if (params.sql !== undefined && !params.model && !params.uri) {
        const selection = compileSelection(snap.project, params.sql);
        if (selection.error) throw new Error(selection.error.message);
        const sql = selection.sql;
        const result = await previewSql(db, sql, options);
        return { ...result, sql, engine: db.engine };
      }
      const id = targetId(ws, paths, params);
      if (!id) return { columns: [], rows: [], truncated: false, elapsedMs: 0, sql: '', error: 'No model to preview here' };
      const result = await previewNode(db, snap.graph, id, (node, opts) => compileNode(snap.project, snap.graph, node, opts), options);
      return { columns: result.columns, rows: result.rows, truncated: result.truncated, elapsedMs: result.elapsedMs, sql: result.sql, engine: db.engine };
    } catch (err) {
      return { columns: [], rows: [], truncated: false, elapsedMs: 0, sql: '', error: err instanceof Error ? err.message : String(err) };
    } finally {
      db.close();
    }
  }, true);

  handle<P.SaveUnitTestParams, P.SaveUnitTestResult>(P.SaveUnitTestRequestMethod, (error) => ({ error }), (ws, paths, params) => saveUnitTest(ws, paths, targetId(ws, paths, params), params), true);

  registerEngineRequests(handle, targetId);

  handle<P.CompiledParams, P.CompiledResult>(P.CompiledRequestMethod, (error) => ({ id: '', sql: '', errors: [error] }), async (ws, paths, params) => {
    const id = targetId(ws, paths, params);
    const compiled = id ? await ws.binder.compiled(id) : undefined;
    if (!id || !compiled) return { id: '', sql: '', errors: ['No model here'] };
    return { id, sql: compiled.sql, errors: compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}: ${d.message}`) };
  }, true);

  handle<P.LineageParams, P.LineageResult>(P.LineageRequestMethod, () => ({ nodes: [], edges: [], columnEdges: [] }), async (ws, paths, params) => {
    const focus = params.model || params.uri ? targetId(ws, paths, params) : undefined;
    const data = await lineageGraph(ws, { focus, depth: params.depth, columns: params.columns ?? true });
    return { ...data, nodes: data.nodes.map(({ file, ...n }) => ({ ...n, ...(file ? { uri: paths.uri(file) } : {}) })) };
  });

  handle<Record<string, never>, P.ProjectInfoResult>(P.ProjectInfoRequestMethod, () => ({ found: false, name: '', rootUri: '', format: 'pipeline', state: 'failed', modelCount: 0, sourceCount: 0, target: '' }), (ws, paths) => {
    const snap = ws.snapshot();
    const last = ws.lastProjectRun();
    return {
      found: ws.projectFile !== undefined,
      name: snap.project.config.name,
      rootUri: paths.uri('').replace(/\/$/, ''),
      format: snap.project.config.format,
      state: snap.project.state,
      modelCount: snap.project.models.size,
      sourceCount: snap.project.sources.size,
      target: snap.project.config.target.name,
      engine: snap.project.config.trino ? 'trino' : 'duckdb',
      ...(last ? { lastRun: last } : {}),
    };
  });
}

function toNodeRunResult(r: NodeResult): P.NodeRunResult {
  return {
    id: r.id,
    status: r.status,
    elapsedMs: r.ms,
    ...(r.rows !== undefined ? { rows: r.rows } : {}),
    ...(r.message ? { message: r.message } : {}),
    ...(r.error ? { errorAt: { file: r.error.file, ...r.error.range } } : {}),
  };
}
