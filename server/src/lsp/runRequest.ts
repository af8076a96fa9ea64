// medallion/run: run, build, test, seed or snapshot in this process with $/progress and per-node
// notifications, cancellable; the warehouse is opened only for the run. Errors reach the client as
// ranges in their file.
import type * as lsp from 'vscode-languageserver/node';
import { allowedDirectories } from '../../../runtime/run/allowed.js';
import { runPipeline } from '../../../runtime/run/runner.js';
import type { NodeResult } from '../../../runtime/run/types.js';
import { compileNode } from '../../../runtime/compile/compile.js';
import { selectNodes } from '../../../runtime/graph/select.js';
import type { Handle } from './engineRequests.js';
import { runFreshness } from './freshness.js';
import * as to from './toLsp.js';
import * as P from './protocol.js';

export function registerRun(connection: lsp.Connection, handle: Handle, docs: to.Documents): void {
  const failed = (error: string): P.RunResponse => ({ status: 'error', elapsedMs: 0, nodes: [], error });
  handle<P.RunParams, P.RunResponse>(P.RunRequestMethod, failed, async (ws, _paths, params, token) => {
    if (params.command === 'freshness') return runFreshness(connection, ws, params);
    const snap = ws.snapshot();
    const progress = connection.window.attachWorkDoneProgress(params.workDoneToken);
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    progress.begin(`Medallion ${params.command}`, 0, 'starting', true);
    const nodeResult = (r: NodeResult): P.NodeRunResult => toNodeRunResult(docs, r);
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
            const result = nodeResult(event.result);
            void connection.sendNotification(P.RunProgressNotificationMethod, { kind: 'finish', id: result.id, result, done: event.index + 1, total: event.total } satisfies P.RunProgress);
          }
        },
      });
      const error = run.errors.map((e) => e.message).join('\n');
      return {
        status: abort.signal.aborted ? 'cancelled' : run.success ? 'success' : 'error',
        elapsedMs: run.elapsedMs,
        nodes: run.results.map(nodeResult),
        ...(error ? { error } : {}),
      };
    } finally {
      progress.done();
      await ws.reload('target/run_results.json');
      void connection.sendNotification(P.ProjectChangedNotificationMethod, { complete: !ws.indexing } satisfies P.ProjectChangedParams);
    }
  }, true);
}

function toNodeRunResult(docs: to.Documents, r: NodeResult): P.NodeRunResult {
  return {
    id: r.id,
    status: r.status,
    elapsedMs: r.ms,
    ...(r.rows !== undefined ? { rows: r.rows } : {}),
    ...(r.message ? { message: r.message } : {}),
    ...(r.error ? { errorAt: { file: r.error.file, range: to.fileRange(docs, r.error.file, r.error.range) } } : {}),
  };
}
