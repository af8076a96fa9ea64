// medallion/run with command `freshness`: dbt's source freshness of the selected sources, reported as a
// run (one finish event per check, then the run's response), so the run results view shows the checks
// with their status and timing as it shows models and tests.
import type * as lsp from 'vscode-languageserver/node';
import { selectNodes } from '../../../runtime/graph/select.js';
import type { SourceTable } from '../../../runtime/project/types.js';
import { freshnessSummary, hasFreshness, type FreshnessResult } from '../../../runtime/run/freshness.js';
import { runSourceFreshness } from '../../../runtime/run/freshnessRun.js';
import type { Workspace } from '../analysis/workspace.js';
import * as P from './protocol.js';

/** A stale source fails like a failing test; one that could not be checked is an error. */
const STATUS: Record<FreshnessResult['status'], P.NodeRunStatus> = { pass: 'pass', warn: 'warn', error: 'fail', 'runtime error': 'error' };

export async function runFreshness(connection: lsp.Connection, ws: Workspace, params: P.RunParams): Promise<P.RunResponse> {
  const snap = ws.snapshot();
  const selection = selectNodes(snap.graph, { select: params.select, exclude: params.exclude });
  const errors = selection.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return { status: 'error', elapsedMs: 0, nodes: [], error: errors.map((d) => d.message).join('\n') };
  const sources = selection.value.map((id) => snap.graph.nodes.get(id)).filter((n): n is SourceTable => n?.kind === 'source' && hasFreshness(n));
  if (sources.length === 0) return { status: 'error', elapsedMs: 0, nodes: [], error: 'No selected source has a freshness threshold (freshness: {warn_after: …, error_after: …})' };
  try {
    const run = await runSourceFreshness(snap.project, sources, params.select ?? [], (r, index) => {
      void connection.sendNotification(P.RunProgressNotificationMethod, { kind: 'finish', id: r.id, result: toResult(r), done: index, total: sources.length } satisfies P.RunProgress);
    });
    const nodes = run.results.map(toResult);
    return { status: nodes.some((n) => n.status === 'fail' || n.status === 'error') ? 'error' : 'success', elapsedMs: run.elapsedMs, nodes };
  } finally {
    await ws.reload('target/sources.json');
    await ws.reload('target/run_results.json');
    void connection.sendNotification(P.ProjectChangedNotificationMethod, { complete: !ws.indexing } satisfies P.ProjectChangedParams);
  }
}

function toResult(r: FreshnessResult): P.NodeRunResult {
  return { id: r.id, kind: 'freshness', status: STATUS[r.status], elapsedMs: r.ms, message: freshnessSummary(r) };
}
