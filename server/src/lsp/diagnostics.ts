// Publishes diagnostics: the static ones (loader, YAML, Jinja, refs, cycles) at once after a
// debounced edit, then the bound ones (SQL errors, unknown columns, contracts) when the binder has
// the edited model and its neighbours. Binding the rest of the project runs in the background; in an
// untrusted workspace only the static ones are published.
import type * as lsp from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../../../runtime/project/types.js';
import type { Workspace } from '../analysis/workspace.js';
import { bindAll, bindFiles, boundDiagnostics, staticDiagnostics } from '../analysis/diagnostics.js';
import { Debouncer } from './debounce.js';
import * as to from './toLsp.js';

const EMPTY = TextDocument.create('untitled:empty', 'plaintext', 0, '');

/** Milliseconds to wait after the last keystroke in a file before computing its diagnostics. */
const DEBOUNCE_MS = 8;

export class DiagnosticsPublisher {
  private readonly published = new Map<string, string>();
  private readonly debouncer: Debouncer;
  private disposed = false;
  /** Calls of background() not returned yet; only the one running the pass stays long. */
  private passes = 0;

  constructor(
    private readonly connection: lsp.Connection,
    private readonly ws: Workspace,
    private readonly docs: to.Documents,
    private readonly paths: to.Paths,
    private readonly open: lsp.TextDocuments<TextDocument>,
    private readonly log: (m: string) => void,
    /** Called when a background pass has bound the whole project. */
    private readonly onSettled: () => void = () => {},
  ) {
    this.debouncer = new Debouncer(DEBOUNCE_MS, (file) => void this.refresh(file));
  }

  /** After indexing: every file's static problems, the open files bound, the rest in the background. */
  publishAll(): void {
    const all = staticDiagnostics(this.ws.snapshot());
    for (const [file, list] of all) this.send(file, list);
    void this.refresh(undefined);
  }

  /** True while a background pass runs. */
  get binding(): boolean {
    return this.passes > 0;
  }

  /** Binds whatever is not up to date in the background (a running pass picks up the new work). */
  private background(): void {
    const started = performance.now();
    this.passes++;
    void bindAll(this.ws, (files) => {
      if (!this.disposed) for (const file of files) this.sendMerged(file);
    }).then((checked) => {
      if (!checked || this.disposed) return;
      this.log(`background binding done: ${checked} models checked in ${Math.round(performance.now() - started)} ms`);
      this.onSettled();
    }).catch((err) => this.log(`background binding failed: ${String(err)}`)).finally(() => this.passes--);
  }

  /** Publishes files whose bound diagnostics came from elsewhere (the index cache). */
  publish(files: string[]): void {
    for (const file of files) this.sendMerged(file);
  }

  changed(file: string): void {
    this.debouncer.schedule(file);
  }

  /** Re-publishes the edited file first, then open files and files that had problems. */
  private async refresh(edited: string | undefined): Promise<void> {
    try {
      const snap = this.ws.snapshot();
      const all = staticDiagnostics(snap);
      const affected = new Set<string>();
      if (edited !== undefined) affected.add(edited);
      for (const doc of this.open.all()) {
        const file = this.paths.file(doc.uri);
        if (file !== undefined) affected.add(file);
      }
      for (const file of [...this.published.keys(), ...all.keys()]) affected.add(file);
      // The static pass first, so the edited file's quick problems arrive without waiting for DuckDB.
      for (const file of affected) this.send(file, [...(all.get(file) ?? []), ...boundDiagnostics(snap, file)]);
      const focus = [...affected].filter((f) => f === edited || this.isOpen(f));
      const touched = await bindFiles(this.ws, focus);
      for (const file of new Set([...focus, ...touched])) this.sendMerged(file);
      this.background();
    } catch (err) {
      this.log(`diagnostics failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }

  private isOpen(file: string): boolean {
    return this.open.get(this.paths.uri(file)) !== undefined;
  }

  private sendMerged(file: string): void {
    const snap = this.ws.snapshot();
    this.send(file, [...(staticDiagnostics(snap).get(file) ?? []), ...boundDiagnostics(snap, file)]);
  }

  /** Sends a file's diagnostics when they changed, and for every new version of an open file. */
  private send(file: string, list: Diagnostic[]): void {
    const doc = this.docs.get(file);
    const open = doc !== undefined && this.isOpen(file);
    const key = `${open ? doc.version : ''}\0${JSON.stringify(list)}`;
    if ((this.published.get(file) ?? '\0[]') === key) return;
    if (list.length === 0 && !open) this.published.delete(file);
    else this.published.set(file, key);
    // A file that does not exist (the pipeline.yml a folder lacks) gets its problems at its start.
    const diagnostics = list.map((d) => to.diagnostic(doc ?? EMPTY, d));
    void this.connection.sendDiagnostics({ uri: this.paths.uri(file), ...(open ? { version: doc.version } : {}), diagnostics });
  }

  dispose(): void {
    this.disposed = true;
    this.debouncer.dispose();
  }
}
