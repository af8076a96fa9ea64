// Starts the Medallion language server on the extension host's own Node (the client's `module`
// option forks process.execPath) and talks to it over IPC; it starts untrusted in Restricted Mode.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { InitializationOptions } from '../../server/src/lsp/protocol.js';

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{sql,yml,yaml,csv}');
  context.subscriptions.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'sql' },
      { scheme: 'file', language: 'jinja-sql' },
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', pattern: '**/*.{yml,yaml}' },
    ],
    synchronize: { fileEvents: watcher },
    // Read at every (re)start, so a restart after trust was granted starts trusted.
    initializationOptions: (): InitializationOptions => ({ trusted: vscode.workspace.isTrusted }),
    outputChannel: output,
  };
  return new LanguageClient('medallion', 'Medallion Language Server', serverOptions, clientOptions);
}
