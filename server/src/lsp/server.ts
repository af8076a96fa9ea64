// Wires LSP requests to the analysis layer: document sync into the workspace index, debounced
// diagnostics per file, and the standard features. Every handler is guarded: user input never
// crashes the server, a failure is logged and answered with an empty result. An untrusted workspace
// (initializationOptions.trusted: false) gets the static features until medallion/trust arrives.
import * as lsp from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { Workspace } from '../analysis/workspace.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { parseSchemasOnWorker } from './schemaWorker.js';
import { RenderWorker } from './renderWorker.js';
import { IndexCache } from './indexCache.js';
import { WarmStart } from '../analysis/warmStart.js';
import { complete } from '../analysis/completion.js';
import { hover } from '../analysis/hover.js';
import { definition, references } from '../analysis/navigation.js';
import { documentSymbols, workspaceSymbols } from '../analysis/symbols.js';
import { prepareRename, rename } from '../analysis/rename.js';
import { codeLenses } from '../analysis/lenses.js';
import { quickFixes } from '../analysis/quickFix.js';
import * as to from './toLsp.js';
import { DiagnosticsPublisher } from './diagnostics.js';
import { registerCustomRequests } from './requests.js';
import { ProjectChangedNotificationMethod, TrustNotificationMethod, type InitializationOptions, type MedallionSettings, type ProjectChangedParams } from './protocol.js';
import type { ConfigOverrides } from '../../../runtime/project/projectConfig.js';
import { findProjectRoot } from './projectRoot.js';

/** How long the editor waits for one model to render before it stops the render and moves on. */
const EDITOR_RENDER_DEADLINE_MS = 2000;
/** Bound results are saved to the index cache this long after a background pass, so edits in a row save once. */
const BINDINGS_SAVE_DELAY_MS = 1000;

export function startServer(connection: lsp.Connection): void {
  const documents = new lsp.TextDocuments(TextDocument);
  let workspace: Workspace | undefined;
  let paths: to.Paths | undefined;
  let canMoveFiles = false;
  let canWatchFiles = false;
  let trusted = true;
  let overrides: ConfigOverrides = {};
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const closedDocs = new Map<string, { text: string; doc: TextDocument }>();

  /** Positions for any project file: the open buffer, else the indexed text. */
  const docs: to.Documents = {
    get(file) {
      const open = documents.get(paths!.uri(file));
      if (open) return open;
      const text = workspace?.text(file);
      if (text === undefined) return undefined;
      const cached = closedDocs.get(file);
      if (cached?.text === text) return cached.doc;
      const doc = TextDocument.create(paths!.uri(file), 'plaintext', 0, text);
      closedDocs.set(file, { text, doc });
      return doc;
    },
  };

  const log = (message: string): void => connection.console.log(message);

  /** Runs a handler once the index is ready; a throw is logged and answered with `fallback`. */
  function guard<P, R>(name: string, fallback: R, handler: (ws: Workspace, p: P, token: lsp.CancellationToken) => R | Promise<R>) {
    return async (params: P, token: lsp.CancellationToken): Promise<R> => {
      try {
        await ready;
        if (!workspace) return fallback;
        workspace.binder.busy();
        return await handler(workspace, params, token);
      } catch (err) {
        log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return fallback;
      }
    };
  }

  /** The project file and offset of a text document position, or undefined outside the project. */
  function at(p: lsp.TextDocumentPositionParams): { file: string; offset: number; doc: TextDocument } | undefined {
    const file = paths?.file(p.textDocument.uri);
    const doc = file === undefined ? undefined : docs.get(file);
    return file === undefined || !doc ? undefined : { file, offset: to.offset(doc, p.position), doc };
  }

  let publisher: DiagnosticsPublisher | undefined;

  connection.onInitialize((params) => {
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    const folderUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    const folder = folderUri ? fileURLToPath(folderUri) : process.cwd();
    const root = options.projectRoot ?? findProjectRoot(folder);
    trusted = options.trusted ?? true;
    overrides = overridesOf(options);
    paths = new to.Paths(root.replace(/\\/g, '/').replace(/\/$/, ''));
    canMoveFiles = params.capabilities.workspace?.workspaceEdit?.resourceOperations?.includes('rename') ?? false;
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration ?? false;
    return {
      capabilities: {
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
      },
      serverInfo: { name: 'medallion', version: '0.1.0' },
    };
  });

  // The bundle (dist/server.js) is also the schema and render workers' entry and keys the index cache.
  const bundled = __filename.endsWith('.js');
  let renderer: RenderWorker | undefined;
  let warm: WarmStart | undefined;
  let saveTimer: NodeJS.Timeout | undefined;

  /** Once the project is fully indexed: the last session's bound results that still hold. */
  function restoreBindings(): string[] {
    if (!warm || !workspace || workspace.indexing) return [];
    const started = performance.now();
    const { restored, dropped, files } = warm.restore();
    log(`index cache: ${restored} bound models restored, ${dropped} dropped (changed or reading a changed model) in ${Math.round(performance.now() - started)} ms`);
    return files;
  }

  function saveBindings(): void {
    clearTimeout(saveTimer);
    try {
      const saved = warm?.save();
      if (saved !== undefined) log(`index cache: ${saved} bound models saved`);
    } catch (err) {
      log(`index cache not saved: ${String(err)}`);
    }
  }

  connection.onInitialized(async () => {
    let restored: string[] = [];
    // Editors without their own watcher setup (Neovim, Helix) learn here which files matter.
    if (canWatchFiles) {
      void connection.client.register(lsp.DidChangeWatchedFilesNotification.type, {
        watchers: ['**/*.sql', '**/*.yml', '**/*.yaml', '**/*.csv', '**/target/run_results.json', '**/target/catalog.json', '**/target/sources.json'].map((globPattern) => ({ globPattern })),
      });
    }
    try {
      const started = performance.now();
      // From source (tests under tsx) there is no bundle to key the cache on: no cache then. Nor in
      // an untrusted workspace, where the server writes nothing.
      const cache = bundled && trusted ? new IndexCache(paths!.root, __filename) : undefined;
      // Bundled, models render on a worker the server can stop (from source, under tsx, in process).
      renderer = bundled ? new RenderWorker(__filename, EDITOR_RENDER_DEADLINE_MS, () => workspace?.compileEpoch ?? 0, log) : undefined;
      workspace = await Workspace.open(new NodeFileSystem(), paths!.root, { log, deferSchemas: true, cache, trusted, overrides, compiler: renderer });
      for (const doc of documents.all()) {
        const file = paths!.file(doc.uri);
        if (file !== undefined) workspace.setText(file, doc.getText());
      }
      warm = cache && new WarmStart(workspace, cache);
      publisher = new DiagnosticsPublisher(connection, workspace, docs, paths!, documents, log, () => {
        clearTimeout(saveTimer);
        // A pass started meanwhile saves when it ends.
        saveTimer = setTimeout(() => {
          if (!publisher?.binding) saveBindings();
        }, BINDINGS_SAVE_DELAY_MS).unref();
      });
      log(`indexed ${workspace.snapshot().project.models.size} models in ${Math.round(performance.now() - started)} ms`);
      // Restored before requests are answered, so the first hovers are typed.
      restored = restoreBindings();
    } catch (err) {
      log(`indexing failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      resolveReady();
    }
    if (!publisher || !workspace) return;
    publisher.publishAll();
    publisher.publish(restored);
    void connection.sendNotification(ProjectChangedNotificationMethod, { complete: !workspace.indexing } satisfies ProjectChangedParams);
    if (!workspace.indexing) return;
    try {
      const started = performance.now();
      await workspace.completeIndex(bundled ? (files) => parseSchemasOnWorker(__filename, files) : undefined);
      log(`schema files indexed in ${Math.round(performance.now() - started)} ms`);
      restored = restoreBindings();
      publisher.publishAll();
      publisher.publish(restored);
    } catch (err) {
      log(`indexing schema files failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    void connection.sendNotification(ProjectChangedNotificationMethod, { complete: true } satisfies ProjectChangedParams);
  });

  // The user trusted the workspace: bind what is open, then the rest, without a restart.
  connection.onNotification(TrustNotificationMethod, async () => {
    await ready;
    if (!workspace || workspace.trusted) return;
    workspace.trust();
    log('workspace trusted: templates are rendered and SQL is bound from now on');
    publisher?.publishAll();
    void connection.sendNotification(ProjectChangedNotificationMethod, { complete: !workspace.indexing } satisfies ProjectChangedParams);
  });

  // The editor's vars or target changed (settings medallion.vars, medallion.target): every model renders anew.
  connection.onDidChangeConfiguration(async (params) => {
    await ready;
    const next = overridesOf((params.settings as MedallionSettings | undefined)?.medallion ?? {});
    if (!workspace || JSON.stringify(next) === JSON.stringify(overrides)) return;
    overrides = next;
    try {
      await workspace.setOverrides(overrides);
      log(`settings: target ${overrides.target ?? '(the profile\'s)'}, ${Object.keys(overrides.vars ?? {}).length} vars`);
      publisher?.publishAll();
      void connection.sendNotification(ProjectChangedNotificationMethod, { complete: !workspace.indexing } satisfies ProjectChangedParams);
    } catch (err) {
      log(`settings not applied: ${String(err)}`);
    }
  });

  documents.onDidChangeContent(async (e) => {
    await ready;
    const file = paths?.file(e.document.uri);
    if (!workspace || file === undefined) return;
    try {
      workspace.binder.busy();
      workspace.setText(file, e.document.getText());
      publisher?.changed(file);
    } catch (err) {
      log(`change of ${file} failed: ${String(err)}`);
    }
  });

  documents.onDidClose(async (e) => {
    await ready;
    const file = paths?.file(e.document.uri);
    if (!workspace || file === undefined) return;
    try {
      await workspace.revert(file);
      publisher?.changed(file);
    } catch (err) {
      log(`close of ${file} failed: ${String(err)}`);
    }
  });

  connection.onDidChangeWatchedFiles(async (params) => {
    await ready;
    if (!workspace) return;
    for (const change of params.changes) {
      const file = paths?.file(change.uri);
      if (file === undefined || documents.get(change.uri)) continue;
      try {
        await workspace.reload(file);
        publisher?.changed(file);
      } catch (err) {
        log(`reload of ${file} failed: ${String(err)}`);
      }
    }
    void connection.sendNotification(ProjectChangedNotificationMethod, { complete: !workspace.indexing } satisfies ProjectChangedParams);
  });

  connection.onCompletion(guard('completion', null, (ws, p: lsp.CompletionParams) => {
    const where = at(p);
    if (!where) return null;
    const result = complete(ws, where.file, where.offset);
    return { isIncomplete: result.incomplete, items: result.items.map((c) => to.completion(where.doc, c)) };
  }));

  connection.onHover(guard('hover', null, async (ws, p: lsp.HoverParams) => {
    const where = at(p);
    const h = where && (await hover(ws, where.file, where.offset));
    return h ? to.hover(where.doc, h) : null;
  }));

  connection.onDefinition(guard('definition', [], (ws, p: lsp.DefinitionParams) => {
    const where = at(p);
    if (!where) return [];
    return definition(ws, where.file, where.offset).flatMap((l) => to.location(docs, paths!, l) ?? []);
  }));

  connection.onReferences(guard('references', [], (ws, p: lsp.ReferenceParams) => {
    const where = at(p);
    if (!where) return [];
    return references(ws, where.file, where.offset, p.context.includeDeclaration).flatMap((l) => to.location(docs, paths!, l) ?? []);
  }));

  connection.onDocumentSymbol(guard('documentSymbol', [], (ws, p: lsp.DocumentSymbolParams) => {
    const file = paths?.file(p.textDocument.uri);
    const doc = file === undefined ? undefined : docs.get(file);
    return file === undefined || !doc ? [] : documentSymbols(ws, file).map((s) => to.documentSymbol(doc, s));
  }));

  connection.onWorkspaceSymbol(guard('workspaceSymbol', [], (ws, p: lsp.WorkspaceSymbolParams) =>
    workspaceSymbols(ws, p.query).flatMap((s) => to.workspaceSymbol(docs, paths!, s) ?? [])));

  connection.onPrepareRename(guard('prepareRename', null, (ws, p: lsp.PrepareRenameParams) => {
    const where = at(p);
    const target = where && prepareRename(ws, where.file, where.offset);
    return target ? { range: to.range(where.doc, target.range), placeholder: target.name } : null;
  }));

  connection.onRenameRequest(guard('rename', null, (ws, p: lsp.RenameParams): lsp.WorkspaceEdit | lsp.ResponseError | null => {
    // A model's name is its file's name: renaming refs without moving the file would break them.
    if (!canMoveFiles) return new lsp.ResponseError(lsp.ErrorCodes.InvalidRequest, 'Renaming a model moves its file; this editor does not support file renames in edits');
    const where = at(p);
    const result = where && rename(ws, where.file, where.offset, p.newName);
    return result ? to.workspaceEdit(docs, paths!, result, canMoveFiles) : null;
  }));

  connection.onCodeLens(guard('codeLens', [], (ws, p: lsp.CodeLensParams) => {
    const file = paths?.file(p.textDocument.uri);
    const doc = file === undefined ? undefined : docs.get(file);
    return file === undefined || !doc ? [] : codeLenses(ws, file).map((l) => to.codeLens(doc, p.textDocument.uri, l));
  }));

  connection.onCodeAction(guard('codeAction', [], (_ws, p: lsp.CodeActionParams) => {
    const file = paths?.file(p.textDocument.uri);
    if (file === undefined) return [];
    return p.context.diagnostics.flatMap((d) => {
      const fixes = quickFixes(file, { code: typeof d.code === 'string' ? d.code : undefined, data: d.data as Record<string, unknown> | undefined });
      return fixes.map((f) => to.codeAction(docs, paths!, f, [d]));
    });
  }));

  registerCustomRequests(connection, { ready, workspace: () => workspace, paths: () => paths, log });

  connection.onShutdown(() => {
    saveBindings();
    publisher?.dispose();
    renderer?.dispose();
  });
  documents.listen(connection);
  connection.listen();
}

/** Vars must be a map and the target a non-empty name; anything else is left out. */
function overridesOf(settings: { vars?: unknown; target?: unknown }): ConfigOverrides {
  const vars = typeof settings.vars === 'object' && settings.vars !== null && !Array.isArray(settings.vars) ? (settings.vars as Record<string, unknown>) : undefined;
  const target = typeof settings.target === 'string' && settings.target.trim() !== '' ? settings.target.trim() : undefined;
  return { ...(vars && Object.keys(vars).length ? { vars } : {}), ...(target ? { target } : {}) };
}
