// One client's session: what initialize said (root, trust, settings, capabilities), the workspace once
// indexed, the documents, and the guard every handler runs under (waits for the index; a throw is
// logged and answered with a fallback, never a crashed server).
import * as lsp from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import type { Workspace } from '../analysis/workspace.js';
import type { Snapshot } from '../analysis/snapshot.js';
import type { ConfigOverrides } from '../../../runtime/project/projectConfig.js';
import * as to from './toLsp.js';
import type { DiagnosticsPublisher } from './diagnostics.js';
import { findProjectRoot } from './projectRoot.js';
import type { InitializationOptions } from './protocol.js';

export class Session {
  readonly documents = new lsp.TextDocuments(TextDocument);
  workspace: Workspace | undefined;
  publisher: DiagnosticsPublisher | undefined;
  paths: to.Paths | undefined;
  canMoveFiles = false;
  canWatchFiles = false;
  trusted = true;
  overrides: ConfigOverrides = {};
  /** Settles once the first index is done (or failed): handlers wait for it. */
  readonly ready: Promise<void>;
  resolveReady: () => void = () => {};
  private readonly closedDocs = new Map<string, { text: string; doc: TextDocument }>();

  constructor(readonly connection: lsp.Connection) {
    this.ready = new Promise<void>((resolve) => (this.resolveReady = resolve));
  }

  readonly log = (message: string): void => this.connection.console.log(message);

  /** Positions for any project file: the open buffer, else the indexed text. */
  readonly docs: to.Documents = {
    get: (file) => {
      const open = this.documents.get(this.paths!.uri(file));
      if (open) return open;
      const text = this.workspace?.snapshot().text(file);
      if (text === undefined) return undefined;
      const cached = this.closedDocs.get(file);
      if (cached?.text === text) return cached.doc;
      const doc = TextDocument.create(this.paths!.uri(file), 'plaintext', 0, text);
      this.closedDocs.set(file, { text, doc });
      return doc;
    },
  };

  /** Reads initialize's parameters: the project root, trust, the editor's settings and what the client can do. */
  initialize(params: lsp.InitializeParams): void {
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    const folderUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    const folder = folderUri ? fileURLToPath(folderUri) : process.cwd();
    const root = options.projectRoot ?? findProjectRoot(folder);
    this.trusted = options.trusted ?? true;
    this.overrides = overridesOf(options);
    this.paths = new to.Paths(root.replace(/\\/g, '/').replace(/\/$/, ''));
    this.canMoveFiles = params.capabilities.workspace?.workspaceEdit?.resourceOperations?.includes('rename') ?? false;
    this.canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration ?? false;
  }

  /** Runs a feature once the index is ready, on the workspace's current snapshot; a throw is logged and answered with `fallback`. */
  guard<P, R>(name: string, fallback: R, handler: (snap: Snapshot, p: P, token: lsp.CancellationToken) => R | Promise<R>) {
    return async (params: P, token: lsp.CancellationToken): Promise<R> => {
      try {
        await this.ready;
        if (!this.workspace) return fallback;
        this.workspace.binder.busy();
        return await handler(this.workspace.snapshot(), params, token);
      } catch (err) {
        this.log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return fallback;
      }
    };
  }

  /** The project file and offset of a text document position, or undefined outside the project. */
  at(p: lsp.TextDocumentPositionParams): { file: string; offset: number; doc: TextDocument } | undefined {
    const where = this.document(p.textDocument.uri);
    return where && { ...where, offset: to.offset(where.doc, p.position) };
  }

  /** The project file of a URI and its document, or undefined outside the project. */
  document(uri: string): { file: string; doc: TextDocument } | undefined {
    const file = this.paths?.file(uri);
    const doc = file === undefined ? undefined : this.docs.get(file);
    return file === undefined || !doc ? undefined : { file, doc };
  }

  /** Runs a change to the workspace once it is indexed; a failure is logged. */
  async change(what: string, apply: (ws: Workspace) => Promise<void> | void): Promise<void> {
    await this.ready;
    if (!this.workspace) return;
    try {
      await apply(this.workspace);
    } catch (err) {
      this.log(`${what} failed: ${String(err)}`);
    }
  }
}

/** Vars must be a map and the target a non-empty name; anything else is left out. */
export function overridesOf(settings: { vars?: unknown; target?: unknown }): ConfigOverrides {
  const vars = typeof settings.vars === 'object' && settings.vars !== null && !Array.isArray(settings.vars) ? (settings.vars as Record<string, unknown>) : undefined;
  const target = typeof settings.target === 'string' && settings.target.trim() !== '' ? settings.target.trim() : undefined;
  return { ...(vars && Object.keys(vars).length ? { vars } : {}), ...(target ? { target } : {}) };
}
