// Macro namespaces as dbt resolves them: the project's macros, each installed package's under its
// name (`dbt_utils.star`), dbt's cross-database macros under `dbt`; unqualified names resolve in the
// running macro's package first, then the project; adapter.dispatch searches duckdb__ then default__.
import type { ProjectConfig } from '../project/types.js';
import { DBT_MACROS } from './dbtMacros.js';
import type { Macro } from './jinja/frames.js';
import { Callable, newDict } from './jinja/values.js';

/** The root project's macros in `namespaces`. */
export const ROOT = '';
/** dbt-duckdb's adapter.dispatch prefixes, most specific first. */
const DISPATCH_PREFIXES = ['duckdb', 'default'];

export class MacroNamespaces {
  /** Macros by namespace: ROOT for the project's, else an installed package's name. */
  private readonly byNamespace = new Map<string, Map<string, Macro>>();
  /** Each namespace as the dict a template sees (`dbt_utils.star`). */
  private readonly objects = new Map<string, unknown>();

  constructor(private readonly config: ProjectConfig) {
    this.byNamespace.set(ROOT, new Map());
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
    this.objects.set('dbt', newDict(DBT_MACROS));
  }

  /** An unqualified name from code of package `pkg`: that package's macro, else the project's, a namespace, or dbt's own. */
  lookup(name: string, pkg: string | undefined): unknown {
    if (pkg !== undefined && pkg !== ROOT) {
      const own = this.byNamespace.get(pkg)?.get(name);
      if (own) return own;
    }
    // dbt's own macros (cross-database `last_day`, `dateadd`, ...) are global in dbt too.
    return this.byNamespace.get(ROOT)!.get(name) ?? this.objects.get(name) ?? DBT_MACROS.get(name);
  }

  /**
   * dbt's adapter.dispatch: the first of `<ns>.duckdb__<name>`, `<ns>.default__<name>` that exists, for
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
      for (const prefix of DISPATCH_PREFIXES) {
        const candidate = `${prefix}__${name}`;
        searched.push(`'${key === ROOT ? this.config.name : key}.${candidate}'`);
        const found = key === 'dbt' ? (prefix === 'default' ? DBT_MACROS.get(name) : undefined) : this.byNamespace.get(key)?.get(candidate);
        if (found) return found;
      }
    }
    const label = namespace ?? (running === ROOT ? this.config.name : running);
    throw new Error(`In dispatch: no macro named '${name}' found within namespace '${label}': searched for ${[...new Set(searched)].join(', ')}`);
  }
}
