// "Show Compiled SQL": a read-only virtual document per model that re-renders as its source changes.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CompiledRequestMethod, type CompiledParams, type CompiledResult } from '../../server/src/lsp/protocol.js';
import type { Target } from './targets.js';

export const compiledScheme = 'medallion-compiled';
const DEBOUNCE_MS = 250;

export class CompiledSqlProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private timer?: NodeJS.Timeout;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly client: () => LanguageClient) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme === 'file' && e.contentChanges.length > 0) this.sourceChanged();
      }),
    ];
  }

  static uriFor(target: Target): vscode.Uri {
    const query = new URLSearchParams({ model: target.model, ...(target.uri ? { uri: target.uri.toString() } : {}) });
    return vscode.Uri.from({ scheme: compiledScheme, path: `/${target.model} (compiled).sql`, query: query.toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const params: CompiledParams = { model: query.get('model') ?? undefined, uri: query.get('uri') ?? undefined };
    try {
      const result = await this.client().sendRequest<CompiledResult>(CompiledRequestMethod, params, token);
      const errors = result.errors.map((e) => `-- error: ${e.replace(/\n/g, '\n--   ')}\n`).join('');
      return errors + result.sql;
    } catch (err) {
      return `-- Medallion could not compile ${params.model ?? params.uri}: ${err instanceof Error ? err.message : String(err)}\n`;
    }
  }

  /** Re-renders every open compiled document (after the project changed). */
  refreshAll(): void {
    for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === compiledScheme) this.changed.fire(doc.uri);
  }

  /**
   * Re-renders the open compiled documents, debounced while the user types. Any project file can
   * change a model's compiled SQL (an upstream's schema, a macro), so every one is refreshed.
   */
  private sourceChanged(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refreshAll(), DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
