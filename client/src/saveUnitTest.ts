// "Save as unit test" on a preview: asks the server for the unit test of the previewed model, applies
// it as a WorkspaceEdit (so Undo takes it back), saves the YAML so `medallion test` sees it, and shows it.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SaveUnitTestRequestMethod, type ModelTarget, type SaveUnitTestParams, type SaveUnitTestResult } from '../../server/src/lsp/protocol.js';

/** What happened, in a line for the preview's toolbar. */
export async function saveUnitTest(client: LanguageClient, target: ModelTarget): Promise<{ text: string; failed?: boolean }> {
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Medallion: saving a unit test' },
    () => client.sendRequest<SaveUnitTestResult>(SaveUnitTestRequestMethod, { ...target } satisfies SaveUnitTestParams));
  if (result.error || !result.uri || !result.range || result.newText === undefined) {
    const text = `Could not save a unit test: ${result.error ?? 'no edit'}`;
    void vscode.window.showErrorMessage(`Medallion: ${text}`);
    return { text, failed: true };
  }
  const uri = vscode.Uri.parse(result.uri);
  const edit = new vscode.WorkspaceEdit();
  if (result.create) edit.createFile(uri, { ignoreIfExists: true });
  const { start, end } = result.range;
  edit.replace(uri, new vscode.Range(start.line, start.character, end.line, end.character), result.newText);
  if (!(await vscode.workspace.applyEdit(edit))) return { text: `Could not edit ${result.file}`, failed: true };
  const doc = await vscode.workspace.openTextDocument(uri);
  await doc.save();
  // Show the new entry: its first line is the inserted text's `- name:` line.
  const at = doc.positionAt(doc.getText().indexOf(`name: ${result.name}`));
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(at, at) });
  const inputs = (result.inputs ?? []).map((i) => `${i.rows} rows of ${i.input}`).join(', ');
  return { text: `Saved unit test ${result.name} in ${result.file} (${inputs || 'no inputs'}; ${result.expectedRows ?? 0} expected rows)` };
}
