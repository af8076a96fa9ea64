// The dbt context: the functions and objects dbt puts in scope of every template (ref, source,
// config, var, env_var, this, model, target, is_incremental, return, log, adapter, exceptions, ...),
// as Callables and plain values the sandbox can hold.
import { createHash, randomUUID } from 'node:crypto';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { ident } from '../engine/sql.js';
import { databaseName } from '../project/duckdbProfile.js';
import type { ProjectConfig } from '../project/types.js';
import { WholeFloat } from '../project/yamlDoc.js';
import { pyJson } from './jinja/filters.js';
import { MacroReturn } from './jinja/interpreter.js';
import { Callable, Float, isDict, newDict, tuple, Undefined } from './jinja/values.js';
import { pythonModules, PyDateTime } from './modules.js';
import type { Relation } from './relation.js';
import { statementContext, type Query } from './statements.js';

export interface RenderOptions {
  /** What `ref(name)` prints: the relation, or an ephemeral model's CTE name. */
  ref(name: string, pkg?: string): Relation | string | undefined;
  source(source: string, table: string): Relation | string | undefined;
  /** `this`: the relation of the node being rendered. */
  self?: Relation;
  isIncremental?: boolean;
  /** `model` in Jinja (name, unique_id, config, ...). */
  model?: Record<string, unknown>;
  /** The warehouse for dbt's execute phase (statement, run_query, the adapter's look); without it `execute` is false. */
  query?: Query;
  /** dbt's `graph` (nodes and sources with their config) as plain data, built when a template reads it. */
  graph?: () => Record<string, unknown>;
  fullRefresh?: boolean;
  /** More names for this render only (on-run-end's `results` and `schemas`). */
  vars?: Record<string, unknown>;
  /** Macros whose calls give these values instead of running (a unit test's `overrides: macros:`). */
  macroOverrides?: Record<string, unknown>;
}

/** What one render collects. */
export interface RenderState {
  opts: RenderOptions;
  /** Keyword arguments of each `config(...)` call, as evaluated. */
  configs: Array<Record<string, unknown>>;
  /** Results stored by name: `{% call statement('name') %}`, store_result. */
  results: Map<string, unknown>;
}

/** What the context needs from the renderer running it. */
export interface ContextHost {
  state(): RenderState;
  dispatch(name: string, namespace: string | undefined): Callable;
  /** An environment variable (injected, so the core reads no process state of its own). */
  env(name: string): string | undefined;
}

/** A value from the template as plain data for the host (dicts as plain objects, floats as numbers). */
export function toPlain(v: unknown): unknown {
  if (v instanceof Float) return v.value;
  if (v instanceof Undefined) return undefined;
  if (Array.isArray(v)) return [...v].map(toPlain);
  if (isDict(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  return v;
}

/** Host data as template values: objects become dicts that expose only their own keys. */
export function fromPlain(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof WholeFloat) return new Float(v.value);
  if (Array.isArray(v)) return v.map(fromPlain);
  if (isDict(v) && Object.getPrototypeOf(v) !== null) return newDict(Object.entries(v).map(([k, x]) => [k, fromPlain(x)]));
  return v;
}

const fn = (name: string, impl: (args: unknown[], kwargs: Record<string, unknown>) => unknown): Callable => new Callable(name, impl);

function required(name: string, args: unknown[], kwargs: Record<string, unknown>, missing: string): unknown {
  if (args.length > 1) return args[1];
  if ('default' in kwargs) return kwargs.default;
  throw new Error(missing.replace('%s', name));
}

const EMPTY_GRAPH = { nodes: {}, sources: {} };

const isName = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';

/** A top-level key of `vars:` that scopes vars to an installed package, not a var. */
function isPackageScope(config: ProjectConfig, name: string): boolean {
  return config.packages.some((p) => p.name === name);
}

/** The context's names, looked up per call; `this` and `model` read the render running now. */
export function dbtContext(config: ProjectConfig, host: ContextHost): (name: string) => unknown {
  const started = Date.now();
  const modules = pythonModules(started);
  const statements = statementContext({ query: () => host.state().opts.query, results: () => host.state().results, targetSchema: config.target.schema });
  const builtins = newDict();
  /** `graph` converted once per project, not per lookup. */
  const graphs = new WeakMap<object, unknown>();
  const values = new Map<string, unknown>([
    ...statements.values,
    ['api', statements.api],
    ['modules', newDict(Object.entries(modules))],
    ['run_started_at', new PyDateTime(started)],
    ['invocation_id', randomUUID()],
    ['builtins', builtins],
    ...nodeFunctions(config, host),
    ...helperFunctions(),
    ['target', fromPlain({ ...config.target, database: databaseName(config.warehouse), profile_name: config.profile ?? config.name })],
    ['project_name', config.name],
    ['adapter', newDict([
      ...statements.adapter,
      ['quote', fn('quote', (args) => ident(String(args[0])))],
      ['dispatch', fn('dispatch', (args, kwargs) => {
        const ns = args[1] ?? kwargs.macro_namespace;
        return host.dispatch(String(args[0] ?? kwargs.macro_name), ns === undefined || ns === null ? undefined : String(ns));
      })],
    ])],
  ]);
  for (const name of ['ref', 'source', 'config']) builtins[name] = values.get(name);
  return (name) => dynamicValue(host, graphs, name) ?? values.get(name);
}

/** The names whose value is the render's own: execute, flags, graph, this, model; undefined for others. */
function dynamicValue(host: ContextHost, graphs: WeakMap<object, unknown>, name: string): unknown {
  const { opts } = host.state();
  switch (name) {
    case 'execute':
      return opts.query !== undefined;
    case 'flags':
      return newDict([['FULL_REFRESH', opts.fullRefresh === true], ['WHICH', opts.query ? 'run' : 'compile']]);
    case 'graph': {
      const plain = opts.graph?.() ?? EMPTY_GRAPH;
      let graph = graphs.get(plain);
      if (!graph) graphs.set(plain, (graph = fromPlain(plain)));
      return graph;
    }
    case 'this':
      return opts.self ?? new Undefined('this');
    case 'model':
      return opts.model ? fromPlain(opts.model) : new Undefined('model');
  }
  return undefined;
}

/** What renders the node itself: ref, source, config, var, env_var, is_incremental, dbt's naming defaults. */
function nodeFunctions(config: ProjectConfig, host: ContextHost): Array<[string, unknown]> {
  return [
    ['should_store_failures', fn('should_store_failures', () => {
      const config = host.state().opts.model?.config as Record<string, unknown> | undefined;
      return config?.store_failures === true || config?.storeFailures === true;
    })],
    ['ref', fn('ref', (args) => {
      const name = String(args[args.length - 1] ?? '');
      const pkg = args.length > 1 ? String(args[0]) : undefined;
      const out = host.state().opts.ref(name, pkg);
      if (out === undefined) throw new Error(`ref('${name}'): no model or seed named '${name}'`);
      return out;
    })],
    ['source', fn('source', (args) => {
      const out = host.state().opts.source(String(args[0]), String(args[1]));
      if (out === undefined) throw new Error(`source('${String(args[0])}', '${String(args[1])}'): no such source`);
      return out;
    })],
    ['config', fn('config', (args, kwargs) => {
      const dict = isDict(args[0]) ? (toPlain(args[0]) as Record<string, unknown>) : {};
      host.state().configs.push({ ...dict, ...(toPlain(kwargs) as Record<string, unknown>) });
      return '';
    })],
    ['var', fn('var', (args, kwargs) => {
      const name = String(args[0]);
      // dbt reads vars in the scope of the node being rendered, also inside a package's macro: here
      // always the project (Medallion builds no package's models), its own scope first.
      const scoped = config.vars[config.name];
      if (scoped && typeof scoped === 'object' && Object.prototype.hasOwnProperty.call(scoped, name)) return fromPlain((scoped as Record<string, unknown>)[name]);
      if (Object.prototype.hasOwnProperty.call(config.vars, name) && !isPackageScope(config, name)) return fromPlain(config.vars[name]);
      return required(name, args, kwargs, "Required var '%s' not found in vars and has no default");
    })],
    ['env_var', fn('env_var', (args, kwargs) => {
      const name = String(args[0]);
      return host.env(name) ?? required(name, args, kwargs, "Env var required but not provided: '%s'");
    })],
    // dbt's own naming macros, which overrides of generate_schema_name / generate_alias_name call.
    ['default__generate_schema_name', fn('default__generate_schema_name', ([custom]) => (isName(custom) ? `${config.target.schema}_${String(custom).trim()}` : config.target.schema))],
    ['generate_schema_name_for_env', fn('generate_schema_name_for_env', ([custom]) => (config.target.name === 'prod' && isName(custom) ? String(custom).trim() : config.target.schema))],
    ['default__generate_alias_name', fn('default__generate_alias_name', ([custom, node]) => (isName(custom) ? String(custom).trim() : isDict(node) ? String(node.name) : ''))],
    ['is_incremental', fn('is_incremental', () => host.state().opts.isIncremental === true)],
  ];
}

/** dbt's helpers: log, print, return, JSON and YAML, md5, set, zip, exceptions. */
function helperFunctions(): Array<[string, unknown]> {
  return [
    ['log', fn('log', () => '')],
    ['print', fn('print', () => '')],
    ['return', fn('return', (args) => {
      throw new MacroReturn(args[0] ?? null);
    })],
    ['tojson', fn('tojson', (args) => pyJson(args[0]))],
    ['fromjson', fn('fromjson', (args) => fromPlain(JSON.parse(String(args[0]))))],
    ['zip', fn('zip', (args) => {
      const lists = args.map((a) => (Array.isArray(a) ? a : []));
      const n = lists.length === 0 ? 0 : Math.min(...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => tuple(lists.map((l) => l[i])));
    })],
    ['toyaml', fn('toyaml', (args) => toYaml(toPlain(args[0])))],
    ['fromyaml', fn('fromyaml', (args) => fromPlain(parseYaml(String(args[0]))))],
    ['local_md5', fn('local_md5', (args) => createHash('md5').update(String(args[0])).digest('hex'))],
    ['set', fn('set', (args) => [...new Map((Array.isArray(args[0]) ? args[0] : []).map((v) => [JSON.stringify(toPlain(v)), v])).values()])],
    ['exceptions', newDict([
      ['raise_compiler_error', fn('raise_compiler_error', (args) => {
        throw new Error(String(args[0]));
      })],
      ['warn', fn('warn', () => '')],
    ])],
  ];
}
