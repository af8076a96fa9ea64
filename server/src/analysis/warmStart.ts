// Warm start: the binder's results outlive the session in the index cache, each with a fingerprint of
// everything its binding read, so a reopened project shows typed hovers and contract checks before the
// background pass binds again; a result whose fingerprint the current files do not give is dropped.
import { createHash } from 'node:crypto';
import type { ModelNode } from '../../../runtime/project/types.js';
import type { BindResult } from './stubDatabase.js';
import type { Workspace } from './workspace.js';

export interface CachedBinding {
  fingerprint: string;
  result: BindResult;
}

/** Bound results keyed by model id. */
export type CachedBindings = Map<string, CachedBinding>;

/** Where bound results persist between sessions (the server keeps them under target/). */
export interface BindingStore {
  loadBindings(): CachedBindings | undefined;
  saveBindings(bindings: CachedBindings): void;
}

const ENV_VAR = /\benv_var\(\s*['"]([^'"]+)['"]/g;
/** dbt's `graph` variable hands a template every node of the project. */
const READS_GRAPH = /\bgraph\b/;

export class WarmStart {
  /** The entries last restored or saved: kept at the next save while their fingerprints still hold. */
  private known: CachedBindings = new Map();
  private savedGeneration = -1;

  /** `env`: the environment templates read with env_var() (the server's own). */
  constructor(private readonly ws: Workspace, private readonly store: BindingStore, private readonly env: Record<string, string | undefined>) {}

  /**
   * Restores the cached results the current files would give again, in DAG order so a model's inputs
   * are restored before it is checked. A changed model is dropped, and with it every model whose inputs'
   * columns it gave (they are unknown until it is bound again). Returns the files with restored results.
   */
  restore(): { restored: number; dropped: number; files: string[] } {
    const cached = this.store.loadBindings();
    const files = new Set<string>();
    let dropped = 0;
    if (cached) {
      const prints = new Fingerprints(this.ws, this.env);
      for (const id of this.ws.snapshot().graph.order) {
        const entry = cached.get(id);
        if (!entry) continue;
        if (prints.of(id) !== entry.fingerprint) {
          dropped++;
          continue;
        }
        this.ws.binder.restore(id, entry.result);
        // A model already bound against the current files keeps its own result.
        if (this.ws.binder.result(id) !== entry.result) continue;
        this.known.set(id, entry);
        for (const d of entry.result.diagnostics) files.add(d.file);
      }
    }
    this.savedGeneration = this.ws.binder.generation;
    return { restored: this.known.size, dropped, files: [...files] };
  }

  /**
   * Saves the results known to match the current files: bound in this session and still fresh, or
   * restored or saved before with the same fingerprint now (a pass half done keeps the rest). Returns
   * how many, or undefined when nothing was bound since the last save.
   */
  save(): number | undefined {
    const binder = this.ws.binder;
    if (binder.generation === this.savedGeneration) return undefined;
    const generation = binder.generation;
    const prints = new Fingerprints(this.ws, this.env);
    const out: CachedBindings = new Map();
    for (const [id, result] of binder.settled()) {
      const fingerprint = prints.of(id);
      if (fingerprint !== undefined) out.set(id, { fingerprint, result });
    }
    for (const [id, entry] of this.known) if (!out.has(id) && prints.of(id) === entry.fingerprint) out.set(id, entry);
    this.store.saveBindings(out);
    this.known = out;
    this.savedGeneration = generation;
    return out.size;
  }
}

/**
 * What a model's binding reads, hashed: the project config (vars, target, profile), every macro, the
 * environment variables templates name, the model's text, config and spec, the ephemeral models it
 * inlines, and its input stubs (declared, catalog, inferred and bound columns). Undefined when the
 * model is not a model or the project did not load.
 */
class Fingerprints {
  private readonly memo = new Map<string, string | undefined>();
  private readonly common: string;
  private readonly macrosReadGraph: boolean;
  private wholeProject: string | undefined;

  constructor(private readonly ws: Workspace, private readonly env: Record<string, string | undefined>) {
    const project = ws.snapshot().project;
    const macros = [...(project.macroFiles ?? new Map<string, string>())].sort(([a], [b]) => (a < b ? -1 : 1));
    const macroText = macros.map(([, text]) => text).join('\0');
    this.macrosReadGraph = READS_GRAPH.test(macroText);
    this.common = hash([project.state, JSON.stringify(project.config), ...macros.flat(), envOf(macroText, env)].join('\0'));
  }

  of(id: string): string | undefined {
    if (this.memo.has(id)) return this.memo.get(id);
    const snap = this.ws.snapshot();
    const model = snap.graph.nodes.get(id);
    let print: string | undefined;
    if (model?.kind === 'model' && snap.project.state === 'loaded') {
      const parents = [...(snap.graph.parents.get(id) ?? [])].sort();
      // An inlined ephemeral model's SQL is part of this model's: its own fingerprint is.
      const inlined = parents.map((p) => snap.graph.nodes.get(p)).filter((p): p is ModelNode => p?.kind === 'model' && p.config.materialized === 'ephemeral');
      const inlinedPrints = inlined.map((p) => this.of(p.id));
      if (!inlinedPrints.includes(undefined)) {
        const reads = [this.common, model.file, model.text, JSON.stringify(model.config), model.relation, JSON.stringify(model.spec ?? null), envOf(model.text, this.env)];
        // An ephemeral model nothing selects from shows no diagnostics (binder.ts).
        if (model.config.materialized === 'ephemeral') reads.push(String(snap.graph.children.get(id)?.size ?? 0));
        if (this.macrosReadGraph || READS_GRAPH.test(model.text)) reads.push(this.project());
        print = hash([...reads, ...(inlinedPrints as string[]), this.ws.binder.inputSignature(id)].join('\0'));
      }
    }
    this.memo.set(id, print);
    return print;
  }

  /** Every node of the project, for a template reading `graph`. */
  private project(): string {
    const p = this.ws.snapshot().project;
    this.wholeProject ??= hash(JSON.stringify([
      [...p.models.values()].map((m) => [m.file, m.text, m.config, m.spec ?? null]),
      [...p.seeds.values()].map((s) => [s.file, s.columnTypes, s.spec ?? null]),
      [...p.sources.values()],
      [...p.tests.keys()],
    ]));
    return this.wholeProject;
  }
}

/** The values of the environment variables a template names in env_var() calls. */
function envOf(text: string, env: Record<string, string | undefined>): string {
  const names = new Set([...text.matchAll(ENV_VAR)].map((m) => m[1]));
  return JSON.stringify([...names].sort().map((n) => [n, env[n] ?? null]));
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}
