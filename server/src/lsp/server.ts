// Wires LSP to the analysis layer: initialize, the cold index (then the schema files and the last
// session's bound results), document sync into the workspace, debounced diagnostics per file, the
// standard features (features.ts) and the custom requests (requests.ts). Every handler is guarded: user
// input never crashes the server. An untrusted workspace (initializationOptions.trusted: false) gets
// the static features until medallion/trust arrives.
import * as lsp from 'vscode-languageserver/node';
import { homedir } from 'node:os';
import { Workspace } from '../analysis/workspace.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { parseSchemasOnWorker } from './schemaWorker.js';
import { RenderWorker } from './renderWorker.js';
import { IndexCache } from './indexCache.js';
import { WarmStart } from '../analysis/warmStart.js';
import { DiagnosticsPublisher } from './diagnostics.js';
import { registerCustomRequests } from './requests.js';
import { CAPABILITIES, registerFeatures } from './features.js';
import { Session, overridesOf } from './session.js';
import { ProjectChangedNotificationMethod, TrustNotificationMethod, type MedallionSettings, type ProjectChangedParams } from './protocol.js';

/** How long the editor waits for one model to render before it stops the render and moves on. */
const EDITOR_RENDER_DEADLINE_MS = 2000;
/** Bound results are saved to the index cache this long after a background pass, so edits in a row save once. */
const BINDINGS_SAVE_DELAY_MS = 1000;
/** What the editor watches for the server (editors without their own watcher setup learn it here). */
const WATCHED = ['**/*.sql', '**/*.yml', '**/*.yaml', '**/*.csv', '**/target/run_results.json', '**/target/catalog.json', '**/target/sources.json'];
// The bundle (dist/server.js) is also the schema and render workers' entry and keys the index cache.
const bundled = __filename.endsWith('.js');

export function startServer(connection: lsp.Connection): void {
  const session = new Session(connection);
  const index = new Indexer(session);
  connection.onInitialize((params) => {
    session.initialize(params);
    return { capabilities: CAPABILITIES, serverInfo: { name: 'medallion', version: '0.1.0' } };
  });
  connection.onInitialized(() => index.run());
  registerSync(session);
  registerFeatures(session);
  registerCustomRequests(connection, { ready: session.ready, workspace: () => session.workspace, paths: () => session.paths, docs: session.docs, log: session.log });
  connection.onShutdown(() => index.dispose());
  session.documents.listen(connection);
  connection.listen();
}

/** Tells the client the project changed (after runs, reloads, settings), and whether it is fully indexed. */
function projectChanged(session: Session): void {
  const complete = !session.workspace?.indexing;
  void session.connection.sendNotification(ProjectChangedNotificationMethod, { complete } satisfies ProjectChangedParams);
}

/** The cold index and what follows it: schema files, the index cache's bound results, saving them. */
class Indexer {
  private renderer: RenderWorker | undefined;
  private warm: WarmStart | undefined;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly session: Session) {}

  async run(): Promise<void> {
    const { session } = this;
    if (session.canWatchFiles) {
      void session.connection.client.register(lsp.DidChangeWatchedFilesNotification.type, { watchers: WATCHED.map((globPattern) => ({ globPattern })) });
    }
    let restored: string[] = [];
    try {
      restored = await this.open();
    } catch (err) {
      session.log(`indexing failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      session.resolveReady();
    }
    const { publisher, workspace } = session;
    if (!publisher || !workspace) return;
    publisher.publishAll();
    publisher.publish(restored);
    projectChanged(session);
    if (!workspace.indexing) return;
    try {
      const started = performance.now();
      await workspace.completeIndex(bundled ? (files) => parseSchemasOnWorker(__filename, files) : undefined);
      session.log(`schema files indexed in ${Math.round(performance.now() - started)} ms`);
      restored = this.restoreBindings();
      publisher.publishAll();
      publisher.publish(restored);
    } catch (err) {
      session.log(`indexing schema files failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    projectChanged(session);
  }

  /** Indexes the project and restores the last session's bound results before requests are answered, so the first hovers are typed. */
  private async open(): Promise<string[]> {
    const { session } = this;
    const { paths, log } = session;
    const started = performance.now();
    // From source (tests under tsx) there is no bundle to key the cache on: no cache then. Nor in
    // an untrusted workspace, where the server writes nothing.
    const cache = bundled && session.trusted ? new IndexCache(paths!.root, __filename) : undefined;
    // Bundled, models render on a worker the server can stop (from source, under tsx, in process).
    this.renderer = bundled ? new RenderWorker(__filename, EDITOR_RENDER_DEADLINE_MS, () => session.workspace?.compileEpoch ?? 0, log) : undefined;
    const workspace = await Workspace.open(new NodeFileSystem(), paths!.root, {
      log, deferSchemas: true, cache, trusted: session.trusted, overrides: session.overrides, compiler: this.renderer, env: process.env, home: homedir(),
    });
    session.workspace = workspace;
    for (const doc of session.documents.all()) {
      const file = paths!.file(doc.uri);
      if (file !== undefined) workspace.setText(file, doc.getText());
    }
    this.warm = cache && new WarmStart(workspace, cache, process.env);
    session.publisher = new DiagnosticsPublisher(session.connection, workspace, session.docs, paths!, session.documents, log, () => this.saveSoon());
    log(`indexed ${workspace.snapshot().project.models.size} models in ${Math.round(performance.now() - started)} ms`);
    return this.restoreBindings();
  }

  /** Once the project is fully indexed: the last session's bound results that still hold. */
  private restoreBindings(): string[] {
    if (!this.warm || !this.session.workspace || this.session.workspace.indexing) return [];
    const started = performance.now();
    const { restored, dropped, files } = this.warm.restore();
    this.session.log(`index cache: ${restored} bound models restored, ${dropped} dropped (changed or reading a changed model) in ${Math.round(performance.now() - started)} ms`);
    return files;
  }

  /** After a background pass: saves the bound results a moment later (a pass started meanwhile saves when it ends). */
  private saveSoon(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      if (!this.session.publisher?.binding) this.saveBindings();
    }, BINDINGS_SAVE_DELAY_MS).unref();
  }

  private saveBindings(): void {
    clearTimeout(this.saveTimer);
    try {
      const saved = this.warm?.save();
      if (saved !== undefined) this.session.log(`index cache: ${saved} bound models saved`);
    } catch (err) {
      this.session.log(`index cache not saved: ${String(err)}`);
    }
  }

  dispose(): void {
    this.saveBindings();
    this.session.publisher?.dispose();
    this.renderer?.dispose();
  }
}

/** Trust, settings, buffers and files on disk flow into the workspace; each change re-publishes what it affects. */
function registerSync(session: Session): void {
  const { connection, documents } = session;
  // The user trusted the workspace: bind what is open, then the rest, without a restart.
  connection.onNotification(TrustNotificationMethod, () => session.change('trust', (ws) => {
    if (ws.trusted) return;
    ws.trust();
    session.log('workspace trusted: templates are rendered and SQL is bound from now on');
    session.publisher?.publishAll();
    projectChanged(session);
  }));

  // The editor's vars or target changed (settings medallion.vars, medallion.target): every model renders anew.
  connection.onDidChangeConfiguration((params) => session.change('settings', async (ws) => {
    const next = overridesOf((params.settings as MedallionSettings | undefined)?.medallion ?? {});
    if (JSON.stringify(next) === JSON.stringify(session.overrides)) return;
    session.overrides = next;
    await ws.setOverrides(next);
    session.log(`settings: target ${next.target ?? '(the profile\'s)'}, ${Object.keys(next.vars ?? {}).length} vars`);
    session.publisher?.publishAll();
    projectChanged(session);
  }));

  documents.onDidChangeContent((e) => session.change(`change of ${e.document.uri}`, (ws) => {
    const file = session.paths?.file(e.document.uri);
    if (file === undefined) return;
    ws.binder.busy();
    ws.setText(file, e.document.getText());
    session.publisher?.changed(file);
  }));

  documents.onDidClose((e) => session.change(`close of ${e.document.uri}`, async (ws) => {
    const file = session.paths?.file(e.document.uri);
    if (file === undefined) return;
    await ws.revert(file);
    session.publisher?.changed(file);
  }));

  connection.onDidChangeWatchedFiles((params) => session.change('watched files', async (ws) => {
    for (const change of params.changes) {
      const file = session.paths?.file(change.uri);
      if (file === undefined || documents.get(change.uri)) continue;
      await session.change(`reload of ${file}`, async () => {
        await ws.reload(file);
        session.publisher?.changed(file);
      });
    }
    projectChanged(session);
  }));
}
