// The custom requests (shapes in protocol.ts): run/build/test (runRequest.ts), preview, save as unit
// test, validate on Trino (engineRequests.ts), compiled SQL, lineage and project info. Runs happen in
// this process; the warehouse file is opened only for the run or preview and closed after, so the CLI
// can use it in between. In an untrusted workspace run, preview and compiled are refused: they render
// templates and run SQL.
import type * as lsp from 'vscode-languageserver/node';
import { openPreviewEngine, previewNode, previewSql } from '../../../runtime/run/preview.js';
import { compileNode } from '../../../runtime/compile/compile.js';
import { compileSelection } from '../../../runtime/compile/selection.js';
import type { EngineAdapter } from '../../../runtime/engine/adapter.js';
import type { Workspace } from '../analysis/workspace.js';
import { lineageGraph } from '../analysis/lineageGraph.js';
import { saveUnitTest } from './saveUnitTest.js';
import type { Documents, Paths } from './toLsp.js';
import { registerEngineRequests, type Handle, type TargetId } from './engineRequests.js';
import { registerRun } from './runRequest.js';
import * as P from './protocol.js';

export interface RequestContext {
  ready: Promise<void>;
  workspace(): Workspace | undefined;
  paths(): Paths | undefined;
  /** Positions of project files (errors reach the client as ranges). */
  docs: Documents;
  log(message: string): void;
}

/** The answer to a request that would render or run the project's code before the user trusts it. */
const UNTRUSTED_ERROR = 'This workspace is not trusted: Medallion does not render templates, bind SQL or run anything in it until you trust it';

export function registerCustomRequests(connection: lsp.Connection, ctx: RequestContext): void {
  const handle = handler(connection, ctx);
  registerRun(connection, handle, ctx.docs);
  registerPreview(handle);
  handle<P.SaveUnitTestParams, P.SaveUnitTestResult>(P.SaveUnitTestRequestMethod, (error) => ({ error }), (ws, paths, params) => saveUnitTest(ws, paths, targetId(ws, paths, params), params), true);
  registerEngineRequests(handle, targetId);
  registerProjectRequests(handle);
}

/**
 * Like the standard handlers: waits for the index, never throws to the client. A handler that
 * renders templates or runs SQL says so with `needsTrust`, and is refused in an untrusted workspace.
 */
function handler(connection: lsp.Connection, ctx: RequestContext): Handle {
  return (method, fallback, run, needsTrust = false) => {
    connection.onRequest(method, async (params: Parameters<typeof run>[2], token: lsp.CancellationToken) => {
      try {
        await ctx.ready;
        const ws = ctx.workspace();
        const paths = ctx.paths();
        if (!ws || !paths) return fallback('The project is not indexed');
        if (needsTrust && !ws.trusted) return fallback(UNTRUSTED_ERROR);
        return await run(ws, paths, params ?? ({} as Parameters<typeof run>[2]), token);
      } catch (err) {
        ctx.log(`${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return fallback(err instanceof Error ? err.message : String(err));
      }
    });
  };
}

/** The node id a request targets: a model by name wins over the file it is written in. */
const targetId: TargetId = (ws, paths, t) => {
  const snap = ws.snapshot();
  if (t.model) return snap.refTarget(t.model)?.id;
  const file = t.uri ? paths.file(t.uri) : undefined;
  return file === undefined ? undefined : snap.modelOfFile(file)?.id;
};

/** medallion/preview: the first rows of a model, or of selected SQL (rendered with the project's Jinja), cancellable. */
function registerPreview(handle: Handle): void {
  const failed = (error: string): P.PreviewResult => ({ columns: [], rows: [], truncated: false, elapsedMs: 0, sql: '', error });
  handle<P.PreviewParams, P.PreviewResult>(P.PreviewRequestMethod, failed, async (ws, paths, params, token) => {
    const snap = ws.snapshot();
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    let db: EngineAdapter;
    try {
      db = await openPreviewEngine(snap.project);
    } catch (err) {
      return failed(err instanceof Error ? err.message : String(err));
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
      if (!id) return failed('No model to preview here');
      const result = await previewNode(db, snap.graph, id, (node, opts) => compileNode(snap.project, snap.graph, node, opts), options);
      return { columns: result.columns, rows: result.rows, truncated: result.truncated, elapsedMs: result.elapsedMs, sql: result.sql, engine: db.engine };
    } catch (err) {
      return failed(err instanceof Error ? err.message : String(err));
    } finally {
      db.close();
    }
  }, true);
}

/** What the editor shows of the project: a model's compiled SQL, the lineage graph, the project's summary. */
function registerProjectRequests(handle: Handle): void {
  handle<P.CompiledParams, P.CompiledResult>(P.CompiledRequestMethod, (error) => ({ id: '', sql: '', errors: [error] }), async (ws, paths, params) => {
    const id = targetId(ws, paths, params);
    const compiled = id ? await ws.binder.compiled(id) : undefined;
    if (!id || !compiled) return { id: '', sql: '', errors: ['No model here'] };
    return { id, sql: compiled.sql, errors: compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}: ${d.message}`) };
  }, true);

  handle<P.LineageParams, P.LineageResult>(P.LineageRequestMethod, () => ({ nodes: [], edges: [], columnEdges: [] }), async (ws, paths, params) => {
    const focus = params.model || params.uri ? targetId(ws, paths, params) : undefined;
    const data = await lineageGraph(ws.snapshot(), { focus, depth: params.depth, columns: params.columns ?? true });
    return { ...data, nodes: data.nodes.map(({ file, ...n }) => ({ ...n, ...(file ? { uri: paths.uri(file) } : {}) })) };
  });

  const none: P.ProjectInfoResult = { found: false, name: '', rootUri: '', format: 'pipeline', state: 'failed', modelCount: 0, sourceCount: 0, target: '' };
  handle<Record<string, never>, P.ProjectInfoResult>(P.ProjectInfoRequestMethod, () => none, (ws, paths) => {
    const snap = ws.snapshot();
    const last = snap.lastProjectRun();
    return {
      found: snap.projectFile !== undefined,
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
