// Works out which model a command is about: from a code lens, an explorer/editor URI, or the active editor.
import * as vscode from 'vscode';
import { posix } from 'node:path';
import type { ModelTarget } from '../../server/src/lsp/protocol.js';

export interface Target {
  model: string;
  uri?: vscode.Uri;
  /** From a code lens: `snapshot` when the node is a snapshot. */
  command?: 'run' | 'snapshot';
}

/** A dbt model's name is its file name without `.sql`. */
export function modelName(uri: vscode.Uri): string {
  return posix.basename(uri.path).replace(/\.sql$/i, '');
}

const isSql = (uri: vscode.Uri) => /\.sql$/i.test(uri.path);

/** The model a command argument names, else the model in the active editor. */
export function resolveTarget(arg: unknown): Target | undefined {
  if (arg instanceof vscode.Uri) return isSql(arg) ? { model: modelName(arg), uri: arg } : undefined;
  if (typeof arg === 'string' && arg) return { model: arg };
  if (arg && typeof arg === 'object' && typeof (arg as { model?: unknown }).model === 'string') {
    const { model, uri, command } = arg as { model: string; uri?: string; command?: 'run' | 'snapshot' };
    return { model, uri: uri ? vscode.Uri.parse(uri) : undefined, command };
  }
  // The active editor, else (when a webview has focus) a visible model editor.
  const editors = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors];
  const doc = editors.find((e) => e && e.document.uri.scheme === 'file' && isSql(e.document.uri))?.document;
  return doc ? { model: modelName(doc.uri), uri: doc.uri } : undefined;
}

export function toModelTarget(target: Target): ModelTarget {
  return { model: target.model, uri: target.uri?.toString() };
}
