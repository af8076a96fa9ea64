// "Validate on Trino": asks the server to check a model's SQL for the active Trino target and shows
// what Trino refuses as diagnostics on the model (until the file is edited), or says it is valid.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ValidateOnTrinoRequestMethod, type ValidateOnTrinoResult } from '../../server/src/lsp/protocol.js';
import { toModelTarget, type Target } from './targets.js';

export class TrinoValidation implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('medallion-trino');
  // An edit may fix (or move) what was found: the old verdict goes until the next validation.
  private readonly subscription = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length > 0) this.collection.delete(e.document.uri);
  });

  constructor(private readonly client: () => LanguageClient) {}

  async validate(target: Target): Promise<ValidateOnTrinoResult> {
    const client = this.client();
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Validating ${target.model} on Trino` },
      () => client.sendRequest<ValidateOnTrinoResult>(ValidateOnTrinoRequestMethod, toModelTarget(target)));
    if (result.error || !result.uri) {
      void vscode.window.showWarningMessage(`Medallion: ${result.error ?? 'nothing to validate here'}`);
      return result;
    }
    const diagnostics = await client.protocol2CodeConverter.asDiagnostics(result.diagnostics);
    for (const d of diagnostics) d.source = 'Trino';
    this.collection.set(vscode.Uri.parse(result.uri), diagnostics);
    const how = result.cluster ? 'checked on the cluster' : 'static check only: the cluster did not answer';
    if (result.valid) void vscode.window.showInformationMessage(`Medallion: ${result.model} is valid on Trino (${how}).`);
    else void vscode.window.showErrorMessage(`Medallion: ${result.model} is not valid on Trino: ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} (${how}).`);
    return result;
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
