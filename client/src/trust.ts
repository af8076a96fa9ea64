// Workspace trust in VS Code: the commands that render templates or run SQL ask for trust first, and
// the language server (started with initializationOptions.trusted) hears when the user grants it.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TrustNotificationMethod } from '../../server/src/lsp/protocol.js';

const MANAGE = 'Manage Workspace Trust';

/** True in a trusted workspace; otherwise says why the command does nothing and offers to manage trust. */
export function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  const message = 'Medallion: this workspace is not trusted. Running, testing, previewing, ingesting and compiling render the project\'s templates and run its SQL, so they wait until you trust the workspace.';
  void vscode.window.showWarningMessage(message, MANAGE).then((choice) => {
    if (choice === MANAGE) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/** Tells the running server when trust is granted; a server started later reads it from its initialization options. */
export function forwardTrust(client: LanguageClient, output: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(() => {
    output.info('workspace trusted: full features on');
    client.sendNotification(TrustNotificationMethod).catch(() => output.info('the server is not running: it reads the trust when it starts'));
  });
}
