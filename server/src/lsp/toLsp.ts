// The only module that converts between the analysis layer's plain data (project-relative files,
// UTF-16 offsets) and LSP objects (URIs, line/character positions).
import * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Diagnostic, Range } from '../../../runtime/project/types.js';
import type { Completion, CompletionKind, FileRange, Hover, Lens, QuickFix, Outline, Rename, SymbolKind, TextEdit } from '../analysis/types.js';
import type { FixableDiagnostic } from '../analysis/quickFix.js';
import { LensCommands, type LensArgs } from './protocol.js';

/** Positions need each file's text; open documents and files on disk both come through this. */
export interface Documents {
  /** The document for a project-relative file, or undefined when the file is unknown. */
  get(file: string): TextDocument | undefined;
}

export class Paths {
  constructor(readonly root: string) {}

  uri(file: string): string {
    return pathToFileURL(`${this.root}/${file}`).href;
  }

  /** The project-relative file of a URI, or undefined when it lies outside the project. */
  file(uri: string): string | undefined {
    let abs: string;
    try {
      abs = fileURLToPath(uri).replace(/\\/g, '/');
    } catch {
      return undefined;
    }
    const prefix = this.root.endsWith('/') ? this.root : `${this.root}/`;
    return abs.startsWith(prefix) ? abs.slice(prefix.length) : undefined;
  }
}

export function range(doc: TextDocument, r: Range): lsp.Range {
  return { start: doc.positionAt(r.start), end: doc.positionAt(r.end) };
}

/** A range in a project file by its current text; the file's start when the file or the range is unknown. */
export function fileRange(docs: Documents, file: string, r: Range | undefined): lsp.Range {
  const doc = docs.get(file);
  return doc && r ? range(doc, r) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

export function offset(doc: TextDocument, p: lsp.Position): number {
  return doc.offsetAt(p);
}

/** A diagnostic the client sent back (its range where the client holds it now), for the quick fixes. */
export function fixable(doc: TextDocument, d: lsp.Diagnostic): FixableDiagnostic {
  return {
    ...(typeof d.code === 'string' ? { code: d.code } : {}),
    range: { start: doc.offsetAt(d.range.start), end: doc.offsetAt(d.range.end) },
    ...(d.data && typeof d.data === 'object' ? { data: d.data as Record<string, unknown> } : {}),
  };
}

const severities: Record<Diagnostic['severity'], lsp.DiagnosticSeverity> = {
  error: lsp.DiagnosticSeverity.Error,
  warning: lsp.DiagnosticSeverity.Warning,
  info: lsp.DiagnosticSeverity.Information,
  hint: lsp.DiagnosticSeverity.Hint,
};

export function diagnostic(doc: TextDocument, d: Diagnostic): lsp.Diagnostic {
  return {
    range: range(doc, d.range),
    severity: severities[d.severity],
    message: d.message,
    source: 'medallion',
    ...(d.code ? { code: d.code } : {}),
    ...(d.data ? { data: d.data } : {}),
  };
}

const completionKinds: Record<CompletionKind, lsp.CompletionItemKind> = {
  model: lsp.CompletionItemKind.Class,
  source: lsp.CompletionItemKind.Module,
  table: lsp.CompletionItemKind.Struct,
  column: lsp.CompletionItemKind.Field,
  macro: lsp.CompletionItemKind.Function,
  function: lsp.CompletionItemKind.Function,
  keyword: lsp.CompletionItemKind.Keyword,
  property: lsp.CompletionItemKind.Property,
  value: lsp.CompletionItemKind.Value,
  type: lsp.CompletionItemKind.TypeParameter,
  test: lsp.CompletionItemKind.Event,
  variable: lsp.CompletionItemKind.Variable,
};

export function completion(doc: TextDocument, c: Completion): lsp.CompletionItem {
  return {
    label: c.label,
    kind: completionKinds[c.kind],
    ...(c.detail ? { detail: c.detail } : {}),
    ...(c.documentation ? { documentation: { kind: lsp.MarkupKind.Markdown, value: c.documentation } } : {}),
    ...(c.sortText ? { sortText: c.sortText } : {}),
    ...(c.snippet ? { insertTextFormat: lsp.InsertTextFormat.Snippet } : {}),
    textEdit: { range: range(doc, c.range), newText: c.insertText ?? c.label },
  };
}

export function hover(doc: TextDocument, h: Hover): lsp.Hover {
  return { contents: { kind: lsp.MarkupKind.Markdown, value: h.markdown }, range: range(doc, h.range) };
}

export function location(docs: Documents, paths: Paths, l: FileRange): lsp.Location | undefined {
  const doc = docs.get(l.file);
  return doc ? { uri: paths.uri(l.file), range: range(doc, l.range) } : undefined;
}

const symbolKinds: Record<SymbolKind, lsp.SymbolKind> = {
  model: lsp.SymbolKind.Class,
  source: lsp.SymbolKind.Module,
  table: lsp.SymbolKind.Struct,
  column: lsp.SymbolKind.Field,
  macro: lsp.SymbolKind.Function,
  key: lsp.SymbolKind.Key,
  cte: lsp.SymbolKind.Variable,
  seed: lsp.SymbolKind.File,
  test: lsp.SymbolKind.Event,
};

export function documentSymbol(doc: TextDocument, s: Outline): lsp.DocumentSymbol {
  return {
    name: s.name,
    kind: symbolKinds[s.kind],
    ...(s.detail ? { detail: s.detail } : {}),
    range: range(doc, s.range),
    selectionRange: range(doc, s.selectionRange),
    ...(s.children ? { children: s.children.map((c) => documentSymbol(doc, c)) } : {}),
  };
}

export function workspaceSymbol(docs: Documents, paths: Paths, s: Outline): lsp.SymbolInformation | undefined {
  const loc = location(docs, paths, { file: s.file, range: s.selectionRange });
  return loc ? { name: s.name, kind: symbolKinds[s.kind], location: loc, ...(s.detail ? { containerName: s.detail } : {}) } : undefined;
}

function textEdits(docs: Documents, edits: TextEdit[]): Map<string, lsp.TextEdit[]> {
  const byFile = new Map<string, lsp.TextEdit[]>();
  for (const e of edits) {
    const doc = docs.get(e.file);
    if (!doc) continue;
    const list = byFile.get(e.file) ?? [];
    list.push({ range: range(doc, e.range), newText: e.newText });
    byFile.set(e.file, list);
  }
  return byFile;
}

/** A rename as a workspace edit; file moves need the client's resource-operation support. */
export function workspaceEdit(docs: Documents, paths: Paths, r: Rename, canMove: boolean): lsp.WorkspaceEdit {
  const byFile = textEdits(docs, r.edits);
  const changes: Array<lsp.TextDocumentEdit | lsp.RenameFile> = [];
  for (const [file, edits] of byFile) {
    changes.push({ textDocument: { uri: paths.uri(file), version: null }, edits });
  }
  if (canMove) for (const m of r.moves) changes.push({ kind: 'rename', oldUri: paths.uri(m.from), newUri: paths.uri(m.to) });
  return { documentChanges: changes };
}

export function codeLens(doc: TextDocument, uri: string, l: Lens): lsp.CodeLens {
  const titles = { run: '▶ Run', preview: 'Preview', lineage: 'Lineage', validate: 'Validate on Trino' };
  const args: LensArgs = { model: l.model, uri, command: l.command };
  return { range: range(doc, l.range), command: { title: titles[l.action], command: LensCommands[l.action], arguments: [args] } };
}

export function codeAction(docs: Documents, paths: Paths, fix: QuickFix, diagnostics: lsp.Diagnostic[]): lsp.CodeAction {
  const byFile = textEdits(docs, [fix.edit]);
  const changes: Record<string, lsp.TextEdit[]> = {};
  for (const [file, edits] of byFile) changes[paths.uri(file)] = edits;
  return { title: fix.title, kind: lsp.CodeActionKind.QuickFix, isPreferred: fix.preferred, diagnostics, edit: { changes } };
}
