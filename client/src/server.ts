// Starts the Medallion language server on the extension host's own Node (the client's `module`
// option forks process.execPath) and talks to it over IPC; it starts untrusted in Restricted Mode.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { InitializationOptions } from '../../server/src/lsp/protocol.js';

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  // Read at every (re)start: the setting medallion.python is the server's MEDALLION_PYTHON (the Python that runs Python models).
  const options = { get env(): NodeJS.ProcessEnv { return serverEnv(); } };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'], get env(): NodeJS.ProcessEnv { return serverEnv(); } } },
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
    // The `medallion` settings go to the server on every change (vars and target re-render the models).
    synchronize: { fileEvents: watcher, configurationSection: 'medallion' },
    // Read at every (re)start, so a restart after trust was granted starts trusted.
    initializationOptions: (): InitializationOptions => {
      const settings = vscode.workspace.getConfiguration('medallion');
      const target = settings.get<string>('target', '');
      return { trusted: vscode.workspace.isTrusted, vars: settings.get<Record<string, unknown>>('vars', {}), ...(target ? { target } : {}) };
    },
    outputChannel: output,
  };
  return new LanguageClient('medallion', 'Medallion Language Server', serverOptions, clientOptions);
}

function serverEnv(): NodeJS.ProcessEnv {
  const python = vscode.workspace.getConfiguration('medallion').get<string>('python', '').trim();
  return python ? { ...process.env, MEDALLION_PYTHON: python } : { ...process.env };
}
