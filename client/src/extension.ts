// The Medallion extension: starts the language server, registers the commands, the status bar,
// the compiled-SQL documents and the webviews (results grid, run results, lineage). In an untrusted
// workspace the commands that render templates or run SQL are refused until the user trusts it.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  LineageRequestMethod, PreviewRequestMethod, ProjectChangedNotificationMethod, ProjectInfoRequestMethod,
  type LineageParams, type LineageResult, type PreviewParams, type PreviewResult, type ProjectInfoResult,
} from '../../server/src/lsp/protocol.js';
import { CompiledSqlProvider, compiledScheme } from './compiledSql.js';
import { runIngest } from './ingest.js';
import { Panel, type PanelHost } from './panels/panel.js';
import { Runner } from './runs.js';
import { saveUnitTest } from './saveUnitTest.js';
import { createLanguageClient } from './server.js';
import { ProjectStatus } from './statusBar.js';
import { resolveTarget, toModelTarget, type Target } from './targets.js';
import { forwardTrust, requireTrust } from './trust.js';
import { TrinoValidation } from './validate.js';
import type { ToGrid, ToLineage, ToRunResults } from './webview/messages.js';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Medallion', { log: true });
  const languageClient = createLanguageClient(context, output);
  client = languageClient;
  const status = new ProjectStatus();
  let project: ProjectInfoResult | undefined;

  const projectRoot = () => (project?.found ? vscode.Uri.parse(project.rootUri) : vscode.workspace.workspaceFolders?.[0]?.uri);
  const host: PanelHost = {
    extensionUri: context.extensionUri,
    async openFile({ uri, path, line, column }) {
      const root = projectRoot();
      const target = uri ? vscode.Uri.parse(uri) : root && path ? vscode.Uri.joinPath(root, path) : undefined;
      if (!target) return;
      const position = new vscode.Position(Math.max(0, (line ?? 1) - 1), Math.max(0, (column ?? 1) - 1));
      await vscode.window.showTextDocument(target, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
    },
  };
  /** The model the grid shows, for its "Save as unit test". */
  let previewed: PreviewParams | undefined;
  const grid: Panel<ToGrid> = new Panel<ToGrid>(host, 'medallion.preview', 'grid', (message) => {
    if (message.type === 'saveUnitTest' && previewed) void saveUnitTest(languageClient, previewed).catch((err: unknown) => ({ text: `Could not save a unit test: ${String(err)}`, failed: true })).then((saved) => grid.post({ type: 'saved', ...saved }));
  });
  const results = new Panel<ToRunResults>(host, 'medallion.runResults', 'runResults');
  const lineage = new Panel<ToLineage>(host, 'medallion.lineage', 'lineage');
  const compiled = new CompiledSqlProvider(() => languageClient);
  const validation = new TrinoValidation(() => languageClient);
  const runner = new Runner(() => languageClient, results, status, output, (path) => {
    const root = projectRoot();
    return root && vscode.Uri.joinPath(root, path);
  });

  async function refreshProject(): Promise<void> {
    try {
      project = await languageClient.sendRequest<ProjectInfoResult>(ProjectInfoRequestMethod, {});
      status.setProject(project);
    } catch (err) {
      output.warn(`project info unavailable: ${String(err)}`);
    }
  }

  function requireTarget(arg: unknown): Target | undefined {
    const target = resolveTarget(arg);
    if (!target) void vscode.window.showWarningMessage('Medallion: open a model (.sql file) first.');
    return target;
  }

  /** ' on NAME (Trino)' when the active target runs on a Trino cluster: runs and previews go there. */
  const onTrino = (): string => (project?.found && project.engine === 'trino' ? ` on ${project.target} (Trino)` : '');

  async function preview(params: PreviewParams, title: string): Promise<void> {
    grid.show(`Preview: ${title}`);
    grid.post({ type: 'loading', title });
    const limit = vscode.workspace.getConfiguration('medallion').get<number>('preview.limit', 100);
    // Cancel stops the query: DuckDB interrupts it, Trino kills it by its query id.
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Medallion: previewing ${title}${onTrino()}`, cancellable: true }, async (_progress, cancel) => {
      try {
        const result = await languageClient.sendRequest<PreviewResult>(PreviewRequestMethod, { limit, ...params }, cancel);
        previewed = params.sql === undefined ? params : undefined;
        grid.post({ type: 'result', title, result: cancel.isCancellationRequested ? { ...result, error: 'Preview cancelled' } : result, model: previewed && title });
      } catch (err) {
        const error = cancel.isCancellationRequested ? 'Preview cancelled' : String(err);
        grid.post({ type: 'result', title, result: { columns: [], rows: [], truncated: false, elapsedMs: 0, sql: params.sql ?? '', error } });
      }
    });
  }

  async function previewData(arg?: unknown): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (arg === undefined && editor && !editor.selection.isEmpty && /\.sql$/i.test(editor.document.uri.path)) {
      await preview({ sql: editor.document.getText(editor.selection) }, 'selection');
      return;
    }
    const target = requireTarget(arg);
    if (target) await preview(toModelTarget(target), target.model);
  }

  async function showLineage(arg?: unknown): Promise<void> {
    const target = resolveTarget(arg);
    const params: LineageParams = target ? { ...toModelTarget(target), columns: true } : { columns: true };
    lineage.show(target ? `Lineage: ${target.model}` : 'Lineage');
    try {
      const graph = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Medallion lineage' },
        () => languageClient.sendRequest<LineageResult>(LineageRequestMethod, params));
      lineage.post({ type: 'graph', graph });
    } catch (err) {
      void vscode.window.showErrorMessage(`Medallion: lineage failed: ${String(err)}`);
    }
  }

  async function ingestFiles(arg?: unknown, selected?: unknown): Promise<void> {
    const root = projectRoot();
    if (!root) return;
    let files = Array.isArray(selected) ? selected.filter((u): u is vscode.Uri => u instanceof vscode.Uri) : arg instanceof vscode.Uri ? [arg] : [];
    if (files.length === 0) {
      files = (await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Ingest', defaultUri: root,
        filters: { 'Data files': ['json', 'jsonl', 'ndjson', 'csv', 'parquet'] } })) ?? [];
      if (files.length === 0) return;
    }
    const graph = await languageClient.sendRequest<LineageResult>(LineageRequestMethod, { columns: false });
    const sources = graph.nodes.filter((n) => n.kind === 'source');
    const picked = await vscode.window.showQuickPick(sources.map((n) => ({ label: n.name.split('.').pop() ?? n.name, description: n.description, id: n.id })),
      { title: 'Ingest into which bronze source?' });
    if (!picked) return;
    const code = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Medallion: ingesting ${files.length} file(s) into ${picked.label}`, cancellable: true },
      (_progress, cancel) => runIngest({ cli: context.asAbsolutePath('dist/cli.js'), projectRoot: root.fsPath, source: picked.label, files }, output, cancel));
    if (code === 0) void vscode.window.showInformationMessage(`Medallion: ingested ${files.length} file(s) into ${picked.label}.`);
    else if (await vscode.window.showErrorMessage(`Medallion: ingest failed (exit ${code}).`, 'Show Output')) output.show();
  }

  const command = (id: string, run: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, run);
  /** A command that renders templates or runs SQL: refused, with a way to trust, in an untrusted workspace. */
  const trustedCommand = (id: string, run: (...args: any[]) => unknown) => command(id, (...args) => (requireTrust() ? run(...args) : undefined));
  context.subscriptions.push(
    output, status, grid, results, lineage, compiled, runner, validation,
    forwardTrust(languageClient, output),
    vscode.workspace.registerTextDocumentContentProvider(compiledScheme, compiled),
    trustedCommand('medallion.runModel', (arg) => { const t = requireTarget(arg); return t && runner.run({ command: t.command ?? 'run', select: [t.model] }, `Run ${t.model}${onTrino()}`); }),
    trustedCommand('medallion.runModelAndDownstream', (arg) => { const t = requireTarget(arg); return t && runner.run({ command: 'run', select: [`${t.model}+`] }, `Run ${t.model}+${onTrino()}`); }),
    trustedCommand('medallion.testModel', (arg) => { const t = requireTarget(arg); return t && runner.run({ command: 'test', select: [t.model] }, `Test ${t.model}${onTrino()}`); }),
    trustedCommand('medallion.buildPipeline', () => runner.run({ command: 'build' }, `Build pipeline${onTrino()}`)),
    trustedCommand('medallion.sourceFreshness', () => runner.run({ command: 'freshness' }, 'Source freshness')),
    trustedCommand('medallion.validateOnTrino', (arg) => { const t = requireTarget(arg); return t && validation.validate(t); }),
    trustedCommand('medallion.previewData', previewData),
    trustedCommand('medallion.previewModel', previewData),
    trustedCommand('medallion.showCompiledSql', async (arg) => {
      const t = requireTarget(arg);
      if (!t) return;
      const doc = await vscode.workspace.openTextDocument(CompiledSqlProvider.uriFor(t));
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
    }),
    command('medallion.showLineage', showLineage),
    trustedCommand('medallion.ingestFiles', ingestFiles),
    // Python models run with the server's MEDALLION_PYTHON, set from the setting when the server starts.
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('medallion.python') && void languageClient.restart()),
    command('medallion.restartServer', async () => {
      output.info('restarting the language server');
      await languageClient.restart();
      await refreshProject();
    }),
  );
  languageClient.onNotification(ProjectChangedNotificationMethod, () => {
    void refreshProject();
    compiled.refreshAll();
  });
  void vscode.commands.executeCommand('setContext', 'medallion.active', true);
  languageClient.start().then(refreshProject, (err: unknown) => {
    output.error(`the language server did not start: ${String(err)}`);
    void vscode.window.showErrorMessage('Medallion: the language server did not start. See the Medallion output.');
  });
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
