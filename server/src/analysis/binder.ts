// Static contracts: each compiled model is bound by DuckDB in an in-memory database against empty
// stubs for its inputs (columnTypes.ts: declared, catalog, inferred; a column of unknown type is an
// untyped NULL, which binds with anything). Nothing runs and no warehouse file is touched. Gives output
// columns and types, SQL errors mapped back to the template, unknown columns with "did you mean", and
// contract mismatches on the SQL and the YAML; a diagnostic that could come from an unknown type is not given,
// but the output's names are still found (with the unknowns given some type) for the models downstream.
import { createHash } from 'node:crypto';
import { openMemory, type Warehouse } from '../../../runtime/engine/duckdb.js';
import type { CompiledNode, Diagnostic, ModelNode } from '../../../runtime/project/types.js';
import type { FileSystem } from '../../../runtime/project/fs.js';
import { relationColumns } from './columnTypes.js';
import { StubDatabase, type BindResult, type Stub } from './stubDatabase.js';
import type { Bindings, Column, Snapshot } from './snapshot.js';
import { Lock } from './bindLock.js';
import { compileKey, type NodeCompiler } from './compiler.js';
import { FileSchemas } from './fileSchema.js';

/** What the binder reads of the workspace that owns it. */
export interface BinderHost {
  readonly fs: FileSystem;
  snapshot(): Snapshot;
  /** Bumped on every change to any file. */
  readonly revision: number;
  /** Bumped when anything every compilation reads changes. */
  readonly compileEpoch: number;
  readonly compiler: NodeCompiler;
}

export class Binder implements Bindings {
  private engine?: Promise<Warehouse>;
  private readonly results = new Map<string, BindResult>();
  private readonly compiledCache = new Map<string, { key: string; compiled: CompiledNode }>();
  private readonly stubs = new StubDatabase();
  private readonly lock = new Lock();
  private backgroundRunning = false;
  private backgroundAgain = false;
  /** The background pass waits while the editor is busy (requests in the last moments). */
  private quietUntil = 0;
  /** Models whose result is known to match the current project; everything else is checked again. */
  private readonly fresh = new Set<string>();
  /** Bumped whenever a result is bound anew. */
  generation = 0;
  /** The columns of sources read from their files (a lake source declaring none, a dbt-duckdb external path). */
  readonly files = new FileSchemas();

  constructor(private readonly ws: BinderHost) {}

  /** The project was relinked: every result must be checked again (most keys will still match). */
  relinked(): void {
    this.fresh.clear();
  }

  /** Editor activity: the background pass steps aside for `ms`. */
  busy(ms = 150): void {
    this.quietUntil = Math.max(this.quietUntil, Date.now() + ms);
  }

  /** One model changed in place. */
  changed(id: string): void {
    this.fresh.delete(id);
  }

  /** Output columns of a bound model, when it has been bound (a column without a type is unknown until built). */
  columns(id: string): Column[] | undefined {
    return this.results.get(id)?.columns;
  }

  /** A source's columns read from its files (fileSchema.ts). */
  fileColumns(id: string): Column[] | undefined {
    return this.files.columns(id);
  }

  /** A model's result: bound in this session, or restored from an earlier one (warmStart.ts). */
  result(id: string): BindResult | undefined {
    return this.results.get(id);
  }

  /** An earlier session's result for the current files, shown until the model is bound again (its key decides). */
  restore(id: string, result: BindResult): void {
    if (!this.fresh.has(id)) this.results.set(id, result);
  }

  /** Results known to match the current project, of models that rendered (what warmStart.ts saves). */
  *settled(): Iterable<[string, BindResult]> {
    for (const id of this.fresh) {
      const result = this.results.get(id);
      const compiled = this.compiledCache.get(id)?.compiled;
      if (result && compiled && rendered(compiled)) yield [id, result];
    }
  }

  /** The stubs a model's binding reads, as text ('unbindable' when an input's columns are unknown). */
  inputSignature(id: string): string {
    return signatureOf(this.inputStubs(id));
  }

  /** Bound diagnostics (SQL errors, unknown columns, contracts) that land in `file`. */
  diagnostics(file: string): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const id of this.modelsOfFile(file)) for (const d of this.results.get(id)?.diagnostics ?? []) if (d.file === file) out.push(d);
    return out;
  }

  /** The compiled SQL of a model, cached by its text and everything compiling it reads. */
  async compiled(id: string): Promise<CompiledNode | undefined> {
    const snap = this.ws.snapshot();
    const node = snap.graph.nodes.get(id);
    if (node?.kind !== 'model') return undefined;
    const key = compileKey(snap, this.ws.compileEpoch, node);
    const cached = this.compiledCache.get(id);
    if (cached?.key === key) return cached.compiled;
    const compiled = await this.ws.compiler.compile(snap, id);
    this.compiledCache.set(id, { key, compiled });
    return compiled;
  }

  /** DuckDB's parse tree of a SQL text (json_serialize_sql), or undefined when it does not parse. */
  async parseTree(sql: string): Promise<any> {
    return this.lock.run(async () => {
      const engine = await this.open();
      const result = await engine.query('select json_serialize_sql($1::varchar) as tree', [sql]);
      const tree = JSON.parse(String(result.rows[0]?.tree ?? '{}'));
      return tree.error ? undefined : tree;
    }, true);
  }

  /**
   * Binds the models a file defines or specifies (and their inputs first). Returns the files whose
   * bound diagnostics may have changed.
   */
  async bindFiles(files: string[]): Promise<string[]> {
    const ids = new Set<string>();
    for (const file of files) for (const id of this.modelsOfFile(file)) ids.add(id);
    const touched = new Set<string>();
    for (const id of ids) for (const f of await this.bindWithInputs(id, true)) touched.add(f);
    return [...touched];
  }

  /**
   * Binds every model in DAG order in the background; `onFiles` hears about files with new results.
   * Returns how many models were checked, or undefined when a pass was already running (it takes the new work on).
   */
  async bindAll(onFiles: (files: string[]) => void): Promise<number | undefined> {
    if (this.backgroundRunning) {
      this.backgroundAgain = true;
      return undefined;
    }
    let checked = 0;
    this.backgroundRunning = true;
    try {
      do {
        this.backgroundAgain = false;
        const order = this.ws.snapshot().graph.order;
        for (const id of order) {
          const node = this.ws.snapshot().graph.nodes.get(id);
          if (node?.kind !== 'model' || this.fresh.has(id)) continue;
          while (Date.now() < this.quietUntil) await new Promise((r) => setTimeout(r, this.quietUntil - Date.now()));
          checked++;
          const files = await this.bindOne(id, false);
          if (files.length) onFiles(files);
          // Let requests that arrived meanwhile run before the next model's compile.
          await new Promise((r) => setImmediate(r));
        }
      } while (this.backgroundAgain);
      return checked;
    } finally {
      this.backgroundRunning = false;
    }
  }

  private modelsOfFile(file: string): string[] {
    const snap = this.ws.snapshot();
    const own = snap.modelOfFile(file);
    if (own) return [own.id];
    return snap.modelsSpecifiedIn(file).map((m) => m.id);
  }

  /** Binds a model after the inputs it needs that are not known to be up to date, in DAG order. */
  private async bindWithInputs(id: string, urgent: boolean): Promise<string[]> {
    const snap = this.ws.snapshot();
    const todo = new Set<string>();
    // A parent whose columns are all declared with types is stubbed from its declaration, so the
    // walk stops there: on a documented project the open model binds after a handful of others.
    const visit = (n: string): void => {
      if (todo.has(n) || this.fresh.has(n)) return;
      todo.add(n);
      for (const p of snap.graph.parents.get(n) ?? []) if (!this.fresh.has(p) && !this.declaredStub(p)) visit(p);
    };
    visit(id);
    const index = snap.orderIndex();
    const order = [...todo].filter((n) => snap.graph.nodes.get(n)?.kind === 'model').sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0));
    const touched: string[] = [];
    for (const n of order) touched.push(...(await this.bindOne(n, urgent)));
    return touched;
  }

  /** Binds one model when its inputs changed; returns the files whose diagnostics changed. */
  private async bindOne(id: string, urgent: boolean): Promise<string[]> {
    if (this.fresh.has(id)) return [];
    const snap = this.ws.snapshot();
    const model = snap.graph.nodes.get(id);
    // A node Medallion does not run (a Python model, a custom materialization) is not bound: a run never checks it.
    if (model?.kind !== 'model' || model.skip) return [];
    const revision = this.ws.revision;
    const compiled = await this.compiled(id);
    if (compiled && rendered(compiled) && snap.trusted) await this.files.refreshInputs(this.ws, id, (fn) => this.lock.run(async () => fn(await this.open()), urgent));
    // Relinked or edited while it rendered (on a worker): the result would be of an older model; a later pass binds it.
    if (!compiled || this.ws.snapshot().graph.nodes.get(id) !== model) return [];
    const bindable = rendered(compiled) && !snap.project.config.trino; // DuckDB's verdict on a Trino target's SQL would be a false alarm
    const inputs = bindable ? this.inputStubs(id) : undefined;
    // The template, config and spec too: a contract edited in YAML, or a comment moving the SQL, changes the diagnostics.
    const key = hash(bindable ? `${model.text}\0${JSON.stringify(model.config)}\0${JSON.stringify(model.spec ?? null)}\0${compiled.sql}\0${signatureOf(inputs)}` : `unrendered\0${JSON.stringify(compiled.diagnostics)}`);
    const previous = this.results.get(id);
    if (previous?.key === key) {
      this.fresh.add(id);
      return [];
    }
    const result = bindable ? await this.lock.run(async () => this.stubs.bind(await this.open(), model, compiled, inputs, key), urgent) : { key, diagnostics: this.renderDiagnostics(model, compiled) };
    // An ephemeral model is bound for its columns; a run compiles it only into the models that select from it.
    if (model.config.materialized === 'ephemeral' && !(snap.graph.children.get(id)?.size)) result.diagnostics = [];
    // The project may have changed while DuckDB worked: keep the result, but check it again next time.
    if (this.ws.revision === revision) this.fresh.add(id);
    this.results.set(id, result);
    this.generation++;
    if (JSON.stringify(previous?.columns) !== JSON.stringify(result.columns)) this.staleBelow(id);
    const files = new Set<string>([model.file]);
    if (model.spec) files.add(model.spec.location.file);
    for (const d of [...(previous?.diagnostics ?? []), ...result.diagnostics]) files.add(d.file);
    return [...files];
  }

  /**
   * Why a model did not render, unless the static checks already say it (an unknown ref, source or
   * var has its own diagnostic on the call) or schema files are still being indexed (a source they
   * declare is not known yet).
   */
  private renderDiagnostics(model: ModelNode, compiled: CompiledNode): Diagnostic[] {
    const snap = this.ws.snapshot();
    if (snap.indexing) return [];
    const staticError = snap.project.diagnostics.some((d) => d.file === model.file && d.severity === 'error');
    return staticError ? [] : compiled.diagnostics;
  }

  /** True when a node's stub can come from its enforced contract's typed columns alone. */
  private declaredStub(id: string): boolean {
    const snap = this.ws.snapshot();
    const node = snap.node(id);
    if (!node || node.kind !== 'model') return true;
    if (!node.config.contractEnforced && !node.spec?.contractEnforced) return false;
    const declared = snap.declaredColumns(node);
    return declared.length > 0 && declared.every((c) => c.type !== undefined);
  }

  /** The children of a model whose columns changed must be bound again, and through an ephemeral child (inlined) its own children. */
  private staleBelow(id: string, seen = new Set<string>()): void {
    const graph = this.ws.snapshot().graph;
    for (const child of graph.children.get(id) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      this.fresh.delete(child);
      const node = graph.nodes.get(child);
      if (node?.kind === 'model' && node.config.materialized === 'ephemeral') this.staleBelow(child, seen);
    }
  }

  /**
   * The stubs a model needs, or undefined when an input's columns are unknown (the model then says
   * nothing). An ephemeral input is inlined as a CTE: its own inputs are stubbed instead.
   */
  private inputStubs(id: string, stubs = new Map<string, Stub>()): Stub[] | undefined {
    const snap = this.ws.snapshot();
    for (const parent of snap.graph.parents.get(id) ?? []) {
      const node = snap.node(parent);
      if (!node || stubs.has(node.relation)) continue;
      if (node.kind === 'model' && node.config.materialized === 'ephemeral') {
        if (!this.inputStubs(parent, stubs)) return undefined;
        continue;
      }
      const columns = relationColumns(snap, node, snap.catalog, node.kind === 'model' ? this.results.get(parent)?.columns : undefined, this.files.columns(parent));
      if (!columns?.length) return undefined;
      stubs.set(node.relation, { relation: node.relation, columns, signature: `${node.relation}(${columns.map((c) => `${c.name} ${c.type ?? '?'}`).join(',')})` });
    }
    return [...stubs.values()];
  }

  private open(): Promise<Warehouse> {
    return (this.engine ??= openMemory());
  }

  /** Closes the in-memory database (the workspace is done with). */
  async close(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    this.stubs.clear();
    if (engine) await this.lock.run(async () => (await engine).close(), true);
  }
}

/** The stubs a binding read, as text ('unbindable' when an input's columns are unknown). */
function signatureOf(inputs: Stub[] | undefined): string {
  return inputs ? inputs.map((s) => s.signature).join('\0') : 'unbindable';
}

/** False for a model that did not render: it has nothing to bind, its template's own problem is the diagnostic. */
function rendered(compiled: CompiledNode): boolean {
  return !compiled.diagnostics.some((d) => d.severity === 'error' || d.code === 'render-budget');
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}
