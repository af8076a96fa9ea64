// The standard LSP features, each a call of the analysis layer on the current snapshot with the
// cursor's file and offset, its answer converted by toLsp.ts.
import * as lsp from 'vscode-languageserver/node';
import { complete } from '../analysis/completion.js';
import { hover } from '../analysis/hover.js';
import { definition, references } from '../analysis/navigation.js';
import { documentSymbols, workspaceSymbols } from '../analysis/symbols.js';
import { prepareRename, rename } from '../analysis/rename.js';
import { codeLenses } from '../analysis/lenses.js';
import { quickFixes } from '../analysis/quickFix.js';
import * as to from './toLsp.js';
import type { Session } from './session.js';

/** What the server offers (initialize's answer). */
export const CAPABILITIES: lsp.ServerCapabilities = {
  textDocumentSync: lsp.TextDocumentSyncKind.Incremental,
  completionProvider: { triggerCharacters: ["'", '"', '.', '(', ' ', ':', '{', '%'] },
  hoverProvider: true,
  definitionProvider: true,
  referencesProvider: true,
  documentSymbolProvider: true,
  workspaceSymbolProvider: true,
  renameProvider: { prepareProvider: true },
  codeLensProvider: { resolveProvider: false },
  codeActionProvider: { codeActionKinds: [lsp.CodeActionKind.QuickFix] },
};

export function registerFeatures(session: Session): void {
  const { connection, docs } = session;
  const paths = (): to.Paths => session.paths!;

  connection.onCompletion(session.guard('completion', null, (snap, p: lsp.CompletionParams) => {
    const where = session.at(p);
    if (!where) return null;
    const result = complete(snap, where.file, where.offset);
    return { isIncomplete: result.incomplete, items: result.items.map((c) => to.completion(where.doc, c)) };
  }));

  connection.onHover(session.guard('hover', null, async (snap, p: lsp.HoverParams) => {
    const where = session.at(p);
    const h = where && (await hover(snap, where.file, where.offset));
    return h ? to.hover(where.doc, h) : null;
  }));

  connection.onDefinition(session.guard('definition', [], (snap, p: lsp.DefinitionParams) => {
    const where = session.at(p);
    return where ? definition(snap, where.file, where.offset).flatMap((l) => to.location(docs, paths(), l) ?? []) : [];
  }));

  connection.onReferences(session.guard('references', [], (snap, p: lsp.ReferenceParams) => {
    const where = session.at(p);
    return where ? references(snap, where.file, where.offset, p.context.includeDeclaration).flatMap((l) => to.location(docs, paths(), l) ?? []) : [];
  }));

  connection.onDocumentSymbol(session.guard('documentSymbol', [], (snap, p: lsp.DocumentSymbolParams) => {
    const where = session.document(p.textDocument.uri);
    return where ? documentSymbols(snap, where.file).map((s) => to.documentSymbol(where.doc, s)) : [];
  }));

  connection.onWorkspaceSymbol(session.guard('workspaceSymbol', [], (snap, p: lsp.WorkspaceSymbolParams) =>
    workspaceSymbols(snap, p.query).flatMap((s) => to.workspaceSymbol(docs, paths(), s) ?? [])));

  connection.onPrepareRename(session.guard('prepareRename', null, (snap, p: lsp.PrepareRenameParams) => {
    const where = session.at(p);
    const target = where && prepareRename(snap, where.file, where.offset);
    return target ? { range: to.range(where.doc, target.range), placeholder: target.name } : null;
  }));

  connection.onRenameRequest(session.guard('rename', null, (snap, p: lsp.RenameParams): lsp.WorkspaceEdit | lsp.ResponseError | null => {
    // A model's name is its file's name: renaming refs without moving the file would break them.
    if (!session.canMoveFiles) return new lsp.ResponseError(lsp.ErrorCodes.InvalidRequest, 'Renaming a model moves its file; this editor does not support file renames in edits');
    const where = session.at(p);
    const result = where && rename(snap, where.file, where.offset, p.newName);
    return result ? to.workspaceEdit(docs, paths(), result, session.canMoveFiles) : null;
  }));

  connection.onCodeLens(session.guard('codeLens', [], (snap, p: lsp.CodeLensParams) => {
    const where = session.document(p.textDocument.uri);
    return where ? codeLenses(snap, where.file).map((l) => to.codeLens(where.doc, p.textDocument.uri, l)) : [];
  }));

  // The client sends the diagnostics back with their ranges moved by any edits since: the fix replaces that range.
  connection.onCodeAction(session.guard('codeAction', [], (_snap, p: lsp.CodeActionParams) => {
    const where = session.document(p.textDocument.uri);
    if (!where) return [];
    return p.context.diagnostics.flatMap((d) => {
      const fixes = quickFixes(where.file, to.fixable(where.doc, d));
      return fixes.map((f) => to.codeAction(docs, paths(), f, [d]));
    });
  }));
}
