// Runs, builds and tests in the language server: a cancellable progress notification, live run
// results in a webview, the outcome in the output channel and the status bar.
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient, type WorkDoneProgressReport, type WorkDoneProgressBegin } from 'vscode-languageclient/node';
import {
  LineageRequestMethod, RunProgressNotificationMethod, RunRequestMethod,
  type LineageResult, type NodeRunResult, type RunProgress, type RunParams, type RunResponse,
} from '../../server/src/lsp/protocol.js';
import type { Panel } from './panels/panel.js';
import type { ProjectStatus } from './statusBar.js';
import type { RunRow, ToRunResults } from './webview/messages.js';

const RequestCancelled = -32800;
/** The kinds whose id prefix is dbt's resource type rather than a word: on-run hooks and unit tests. */
const KIND_LABELS: Record<string, string> = { operation: 'hook', unit_test: 'unit test' };

export class Runner implements vscode.Disposable {
  private busy = false;
  private active?: { onEvent(event: RunProgress): void };
  private sequence = 0;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly client: () => LanguageClient,
    private readonly panel: Panel<ToRunResults>,
    private readonly status: ProjectStatus,
    private readonly output: vscode.LogOutputChannel,
    /** Resolves a project-relative path to a file URI. */
    private readonly resolvePath: (path: string) => vscode.Uri | undefined,
  ) {
    this.subscription = this.client().onNotification(RunProgressNotificationMethod, (event: RunProgress) => this.active?.onEvent(event));
  }

  async run(params: Omit<RunParams, 'workDoneToken'>, title: string): Promise<RunResponse | undefined> {
    if (this.busy) {
      void vscode.window.showWarningMessage('Medallion: a run is already in progress.');
      return undefined;
    }
    this.busy = true;
    try {
      return await this.runNow(params, title);
    } finally {
      this.busy = false;
    }
  }

  private async runNow(params: Omit<RunParams, 'workDoneToken'>, title: string): Promise<RunResponse> {
    const client = this.client();
    const token = `medallion-run-${process.pid}-${++this.sequence}`;
    const rows = new Map<string, RunRow>();
    const uris = new Map<string, string>();
    this.panel.show(title);
    this.panel.post({ type: 'start', title, total: 0 });
    this.status.setRunning(title);
    this.output.info(`${title}: ${params.command} ${params.select?.join(' ') ?? '(all)'}`);
    // Where each node is defined, so the results can link to it (best effort, without columns).
    const located = client.sendRequest<LineageResult>(LineageRequestMethod, { columns: false }).then(
      (graph) => { for (const n of graph.nodes) if (n.uri) uris.set(n.id, n.uri); },
      () => undefined,
    );

    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Medallion: ${title}`, cancellable: true },
      async (progress, cancel) => {
        let percent = 0;
        const advance = (to: number | undefined, message?: string) => {
          const increment = to !== undefined && to > percent ? to - percent : undefined;
          if (increment) percent = to!;
          progress.report({ increment, message });
        };
        this.active = {
          onEvent: (event) => {
            const row = this.row(event.result ?? { id: event.id, status: 'success', elapsedMs: 0 }, uris);
            rows.set(event.id, event.kind === 'start' ? { ...row, running: true } : row);
            this.panel.post({ type: 'progress', rows: [...rows.values()], done: event.done, total: event.total });
            if (event.total > 0) advance((100 * event.done) / event.total, `${event.done}/${event.total} ${row.name}`);
          },
        };
        const progressSubscription = client.onProgress(WorkDoneProgress.type, token, (value) => {
          if (value.kind === 'end') return;
          const v = value as WorkDoneProgressBegin | WorkDoneProgressReport;
          advance(v.percentage, v.message);
        });
        try {
          return await client.sendRequest<RunResponse>(RunRequestMethod, { ...params, workDoneToken: token } satisfies RunParams, cancel);
        } catch (err) {
          const cancelled = cancel.isCancellationRequested || (err as { code?: number }).code === RequestCancelled;
          const nodes = [...rows.values()].map((r) => (r.running ? { ...r, running: false, status: 'cancelled' as const } : r));
          return { status: cancelled ? 'cancelled' : 'error', elapsedMs: 0, nodes, error: cancelled ? undefined : errorText(err) } satisfies RunResponse;
        } finally {
          progressSubscription.dispose();
          this.active = undefined;
        }
      },
    );

    await located;
    const finalRows = result.nodes.map((n) => ({ ...this.row(n, uris), location: this.locate(n) }));
    this.panel.post({ type: 'finish', title, result, rows: finalRows });
    this.status.setLastRun(result);
    this.log(title, result, finalRows);
    if (result.status === 'error') {
      const failed = finalRows.filter((r) => r.status === 'error' || r.status === 'fail').length;
      void vscode.window.showErrorMessage(`Medallion: ${title} failed${failed ? ` (${failed} failing)` : ''}${result.error ? `: ${result.error}` : ''}`);
    }
    return result;
  }

  private row(result: NodeRunResult, uris: Map<string, string>): RunRow {
    const dot = result.id.indexOf('.');
    const kind = result.kind ?? (dot > 0 ? KIND_LABELS[result.id.slice(0, dot)] ?? result.id.slice(0, dot) : 'node');
    return { ...result, kind, name: result.id.slice(dot + 1), uri: uris.get(result.id) };
  }

  /** The 1-based line and column of a node's error, from the range the server reports. */
  private locate(result: NodeRunResult): RunRow['location'] {
    const at = result.errorAt;
    const uri = at && this.resolvePath(at.file);
    if (!at || !uri) return undefined;
    const line = at.range.start.line + 1;
    const column = at.range.start.character + 1;
    return { uri: uri.toString(), label: `${at.file}:${line}:${column}`, line, column };
  }

  private log(title: string, result: RunResponse, rows: RunRow[]): void {
    const line = `${title}: ${result.status} in ${(result.elapsedMs / 1000).toFixed(2)} s`;
    if (result.status === 'success') this.output.info(line);
    else this.output.error(line + (result.error ? ` — ${result.error}` : ''));
    for (const r of rows) {
      const at = r.location ? `\n    at ${r.location.label}` : '';
      const text = `  ${r.status.padEnd(9)} ${r.kind} ${r.name}${r.rows !== undefined ? ` (${r.rows} rows)` : ''} ${r.elapsedMs} ms${r.message ? `\n    ${r.message.replace(/\n/g, '\n    ')}` : ''}${at}`;
      if (r.status === 'error' || r.status === 'fail') this.output.error(text);
      else this.output.info(text);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
