// Macro namespaces as dbt resolves them: the project's macros, each installed package's under its
// name (`dbt_utils.star`), dbt's cross-database macros under `dbt`; unqualified names resolve in the
// running macro's package first, then the project; adapter.dispatch searches `<engine>__` (the
// target's type: duckdb__, trino__) then default__.
import type { ProjectConfig } from '../project/types.js';
import { DBT_MACROS } from './dbtMacros.js';
import type { Macro } from './jinja/frames.js';
import { Callable, newDict } from './jinja/values.js';
import { TRINO_MACROS } from './trinoMacros.js';

/** The root project's macros in `namespaces`. */
export const ROOT = '';

/** dbt's cross-database macros an engine has its own SQL for (`trino__dateadd`); DuckDB's are the default. */
const ENGINE_MACROS: Readonly<Record<string, ReadonlyMap<string, Callable>>> = { trino: TRINO_MACROS };

export class MacroNamespaces {
  /** Macros by namespace: ROOT for the project's, else an installed package's name. */
  private readonly byNamespace = new Map<string, Map<string, Macro>>();
  /** Each namespace as the dict a template sees (`dbt_utils.star`). */
  private readonly objects = new Map<string, unknown>();
  /** adapter.dispatch's prefixes, most specific first: the target's engine, then default. */
  private readonly prefixes: string[];
  /** The target engine's versions of dbt's cross-database macros (none for DuckDB: its are the default). */
  private readonly engineMacros: ReadonlyMap<string, Callable>;
  /** The `dbt` namespace as the target's engine sees it: its own versions over the default ones. */
  private readonly dbtMacros: ReadonlyMap<string, Callable>;

  constructor(private readonly config: ProjectConfig) {
    this.byNamespace.set(ROOT, new Map());
    const engine = config.target.type;
    this.prefixes = [...new Set([engine, 'default'])];
    this.engineMacros = ENGINE_MACROS[engine] ?? new Map();
    this.dbtMacros = new Map([...DBT_MACROS, ...this.engineMacros]);
  }

  /** Every package gets its namespace, also one whose files all fail to compile (not "not installed"). */
  declare(pkg: string): void {
    if (!this.byNamespace.has(pkg)) this.byNamespace.set(pkg, new Map());
  }

  add(pkg: string, macro: Macro): void {
    this.declare(pkg);
    this.byNamespace.get(pkg)!.set(macro.name, macro);
  }

  has(pkg: string): boolean {
    return this.byNamespace.has(pkg) || pkg === this.config.name;
  }

  get(pkg: string | undefined, name: string): Macro | undefined {
    return this.byNamespace.get(pkg ?? ROOT)?.get(name);
  }

  /** Finishes loading: builds the namespace objects templates see. */
  seal(): void {
    for (const [ns, macros] of this.byNamespace) this.objects.set(ns === ROOT ? this.config.name : ns, newDict(macros));
    this.objects.set('dbt', newDict(this.dbtMacros));
  }

  /** An unqualified name from code of package `pkg`: that package's macro, else the project's, a namespace, or dbt's own. */
  lookup(name: string, pkg: string | undefined): unknown {
    if (pkg !== undefined && pkg !== ROOT) {
      const own = this.byNamespace.get(pkg)?.get(name);
      if (own) return own;
    }
    // dbt's own macros (cross-database `last_day`, `dateadd`, ...) are global in dbt too.
    return this.byNamespace.get(ROOT)!.get(name) ?? this.objects.get(name) ?? this.dbtMacros.get(name);
  }

  /**
   * dbt's adapter.dispatch: the first of `<ns>.<engine>__<name>`, `<ns>.default__<name>` that exists, for
   * each namespace of the search order (a `dispatch:` entry of dbt_project.yml, else the namespace
   * itself; without a namespace, the running macro's package, then the project, then dbt's own).
   */
  dispatch(name: string, namespace: string | undefined, current: string | undefined): Callable {
    const running = current ?? ROOT;
    const order = namespace === undefined
      ? [...new Set([running, ROOT, 'dbt'])]
      : (this.config.dispatch.find((d) => d.macroNamespace === namespace)?.searchOrder ?? [namespace]);
    const searched: string[] = [];
    for (const ns of order) {
      const key = ns === this.config.name ? ROOT : ns;
      for (const prefix of this.prefixes) {
        const candidate = `${prefix}__${name}`;
        searched.push(`'${key === ROOT ? this.config.name : key}.${candidate}'`);
        const found = key === 'dbt' ? this.dbtMacro(prefix, name) : this.byNamespace.get(key)?.get(candidate);
        if (found) return found;
      }
    }
    const label = namespace ?? (running === ROOT ? this.config.name : running);
    throw new Error(`In dispatch: no macro named '${name}' found within namespace '${label}': searched for ${[...new Set(searched)].join(', ')}`);
  }

  /** `dbt.<prefix>__<name>`: the engine's own version under its prefix, dbt's default under default. */
  private dbtMacro(prefix: string, name: string): Callable | undefined {
    return prefix === 'default' ? DBT_MACROS.get(name) : this.engineMacros.get(name);
  }
}
