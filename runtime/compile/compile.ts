// Compiles nodes to SQL: renders models, singular tests and the project's own generic tests
// (ref → relation, ephemeral refs → CTEs `__dbt__cte__<name>`), generates built-in generic tests'
// failing-rows queries, and keeps the offset map.
import { checkConfig, mergeConfigs, toModelConfig } from '../project/config.js';
import { externalRead } from '../project/externalLocation.js';
import type { CompiledNode, Diagnostic, ModelConfig, ModelNode, OffsetMap, Project, Range, TemplateScan, TestNode, TestSpec } from '../project/types.js';
import { nodeName, type Graph } from '../graph/dag.js';
import { constantMap, spliceMap } from '../template/offsetMap.js';
import type { RenderOptions } from '../template/context.js';
import { Relation } from '../template/relation.js';
import type { Renderer } from '../template/render.js';
import { rendererFor } from './renderers.js';
import { dbtGraph } from './dbtGraph.js';
import { QueryNeeded, type Query } from '../template/statements.js';
import { compileGenericTestSql, isBuiltinTest, testMacro, unknownTestDiagnostic, whereSubquery } from './tests.js';
import { compileUnitTest } from './unitTest.js';

export interface CompileOptions {
  /** What `is_incremental()` returns (the model exists and this is not a full refresh). */
  isIncremental?: boolean;
  /** The warehouse for dbt's execute phase (compile/execute.ts); without it `execute` is false. */
  query?: Query;
  fullRefresh?: boolean;
  /** A unit test's rendering (unitTest.ts): ref()/source()/this of its given inputs print their fixture CTEs' names. */
  fixtures?: { ref(name: string): string | undefined; source(source: string, table: string): string | undefined; self?: string };
  /** The renderer to use instead of the project's (a unit test's, with its var and env_var overrides). */
  renderer?: Renderer;
  /** Macros whose calls give these values instead of running (a unit test's `overrides: macros:`). */
  macroOverrides?: Record<string, unknown>;
}

interface Ctx {
  project: Project;
  graph: Graph;
  renderer: Renderer;
  opts: CompileOptions;
  /** Compiled ephemeral models (always compiled as not incremental). */
  ephemerals: Map<string, { sql: string; deps: string[]; diagnostics: Diagnostic[] }>;
  inProgress: Set<string>;
}

export function compileNode(project: Project, graph: Graph, id: string, opts: CompileOptions = {}): CompiledNode {
  return compileWith({ project, graph, renderer: opts.renderer ?? rendererFor(project), opts, ephemerals: new Map(), inProgress: new Set() }, id);
}

export function compileProject(project: Project, graph: Graph, opts: CompileOptions = {}): Map<string, CompiledNode> {
  const ctx: Ctx = { project, graph, renderer: rendererFor(project), opts, ephemerals: new Map(), inProgress: new Set() };
  const out = new Map<string, CompiledNode>();
  for (const id of graph.order) {
    const kind = graph.nodes.get(id)?.kind;
    if (kind === 'model' || kind === 'test') out.set(id, compileWith(ctx, id));
  }
  return out;
}

function compileWith(ctx: Ctx, id: string): CompiledNode {
  const node = ctx.graph.nodes.get(id);
  if (!node) {
    return { id, sql: '', map: constantMap({ start: 0, end: 0 }), diagnostics: [{ file: '', range: { start: 0, end: 0 }, severity: 'error', message: `No node '${id}'`, code: 'unknown-node' }] };
  }
  try {
    switch (node.kind) {
      case 'model':
        return compileModel(ctx, node);
      case 'test':
        if (node.unit) return compileUnitTest(ctx.project, ctx.graph, node, ctx.opts).compiled;
        return node.text !== undefined ? singularTest(ctx, node, node.text) : compileGenericTest(ctx, node);
      case 'seed':
      case 'source':
        return { id, sql: `select * from ${node.relation}`, map: constantMap({ start: 0, end: 0 }), diagnostics: [] };
    }
  } catch (err) {
    if (err instanceof QueryNeeded) throw err;
    const file = node.kind === 'source' ? node.location.file : node.file;
    return { id, sql: '', map: constantMap({ start: 0, end: 0 }), diagnostics: [{ file, range: { start: 0, end: 0 }, severity: 'error', message: `internal: compile failed: ${String(err)}`, code: 'internal' }] };
  }
}

function compileModel(ctx: Ctx, model: ModelNode): CompiledNode {
  const { compiled, configs } = compileTemplate(ctx, model, model.text, model.scan);
  compiled.config = finalConfig(model, configs, compiled.diagnostics);
  return compiled;
}

/** False for SQL that is only whitespace, comments and semicolons. */
function hasStatement(sql: string): boolean {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?(\*\/|$)/g, '').replace(/[\s;]+/g, '') !== '';
}

/** A singular test, with the config() calls its template made (fail_calc, warn_if, ...). */
function singularTest(ctx: Ctx, node: TestNode, text: string): CompiledNode {
  const { compiled, configs } = compileTemplate(ctx, node, text, node.scan);
  return { ...compiled, testConfig: Object.assign({}, ...configs) };
}

/** Renders a model or singular test and inlines the ephemeral models it refers to. */
function compileTemplate(ctx: Ctx, node: ModelNode | TestNode, text: string, scan: TemplateScan | undefined): { compiled: CompiledNode; configs: Array<Record<string, unknown>> } {
  const deps: string[] = [];
  const rendered = ctx.renderer.render(node.file, text, renderOptions(ctx, node, deps, node.kind === 'model' && ctx.opts.isIncremental === true));
  const diagnostics = [...rendered.diagnostics, ...macroFileDiagnostics(ctx, scan)];
  // DuckDB would only say "No statement to prepare", on the editor's path and the CLI's alike.
  if (!diagnostics.some((d) => d.severity === 'error') && !hasStatement(rendered.sql)) {
    diagnostics.push({ file: node.file, range: { start: 0, end: text.length }, severity: 'error', message: 'This template renders no SQL statement (its output is empty or only comments); it must render a query', code: 'empty-sql' });
  }
  const ctes = collectEphemerals(ctx, deps, diagnostics);
  const firstEphemeralRef = ctes.length === 0 ? undefined : scan?.refs.find((r) => deps.includes(`model.${r.name}`))?.range;
  const { sql, map } = injectCtes(rendered.sql, rendered.map, ctes, firstEphemeralRef ?? { start: 0, end: 0 });
  return { compiled: { id: node.id, sql, map, diagnostics }, configs: rendered.configs };
}

/** dbt's context for one node; ephemeral refs print their CTE name and are collected in `deps`. */
function renderOptions(ctx: Ctx, node: ModelNode | TestNode, deps: string[], isIncremental: boolean): RenderOptions {
  const { project } = ctx;
  return {
    ref: (name) => {
      const fixture = ctx.opts.fixtures?.ref(name);
      if (fixture !== undefined) return fixture;
      const m = project.models.get(name);
      if (m?.config.materialized === 'ephemeral') {
        if (!deps.includes(m.id)) deps.push(m.id);
        return `__dbt__cte__${name}`;
      }
      const target = m ?? project.seeds.get(name);
      return target ? Relation.of(target.relation) : undefined;
    },
    source: (s, t) => {
      const fixture = ctx.opts.fixtures?.source(s, t);
      if (fixture !== undefined) return fixture;
      const src = project.sources.get(`${s}.${t}`);
      // dbt-duckdb renders a source with an external_location as the files' read, not as a relation.
      return src?.external ? externalRead(src.external, project.root) : src ? Relation.of(src.relation) : undefined;
    },
    self: node.kind === 'model' ? Relation.of(ctx.opts.fixtures?.self ?? node.relation) : undefined,
    isIncremental,
    model: { name: nodeName(node), unique_id: node.id, config: node.kind === 'model' ? node.config : {}, original_file_path: node.file },
    query: ctx.opts.query,
    fullRefresh: ctx.opts.fullRefresh,
    macroOverrides: ctx.opts.macroOverrides,
    graph: () => dbtGraph(project),
  };
}

/** Every ephemeral model reachable from `deps`, deepest first, as `__dbt__cte__<name> as (...)`. */
function collectEphemerals(ctx: Ctx, deps: string[], diagnostics: Diagnostic[]): string[] {
  if (deps.length === 0) return [];
  const order: string[] = [];
  const visit = (id: string): void => {
    if (order.includes(id)) return;
    const e = compileEphemeral(ctx, id);
    if (!e) return;
    diagnostics.push(...e.diagnostics);
    for (const d of e.deps) visit(d);
    if (!order.includes(id)) order.push(id);
  };
  for (const id of deps) visit(id);
  return order.map((id) => `__dbt__cte__${id.slice('model.'.length)} as (\n${ctx.ephemerals.get(id)!.sql}\n)`);
}

function compileEphemeral(ctx: Ctx, id: string): { sql: string; deps: string[]; diagnostics: Diagnostic[] } | undefined {
  const done = ctx.ephemerals.get(id);
  if (done) return done;
  if (ctx.inProgress.has(id)) return undefined; // a cycle: reported by the graph
  const model = ctx.graph.nodes.get(id);
  if (!model || model.kind !== 'model') return undefined;
  ctx.inProgress.add(id);
  const deps: string[] = [];
  const rendered = ctx.renderer.render(model.file, model.text, renderOptions(ctx, model, deps, false));
  ctx.inProgress.delete(id);
  const result = { sql: rendered.sql.replace(/[\s;]+$/, ''), deps, diagnostics: rendered.diagnostics };
  ctx.ephemerals.set(id, result);
  return result;
}

/** Puts CTEs in front of the query, merging with its own WITH when it has one. */
export function injectCtes(sql: string, map: OffsetMap, ctes: string[], from: Range): { sql: string; map: OffsetMap } {
  if (ctes.length === 0) return { sql, map };
  const lead = /^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/.exec(sql)![0].length;
  const withMatch = /^with(?:\s+recursive)?\s+/i.exec(sql.slice(lead));
  if (withMatch) {
    const at = lead + withMatch[0].length;
    const insert = ctes.join(',\n') + ',\n';
    return { sql: sql.slice(0, at) + insert + sql.slice(at), map: spliceMap(map, at, insert.length, from) };
  }
  const insert = `with ${ctes.join(',\n')}\n`;
  return { sql: sql.slice(0, lead) + insert + sql.slice(lead), map: spliceMap(map, lead, insert.length, from) };
}

function compileGenericTest(ctx: Ctx, test: TestNode): CompiledNode {
  const range = test.spec?.location.range ?? { start: 0, end: 0 };
  if (test.spec && !isBuiltinTest(ctx.project, test.spec.name)) return compileCustomTest(ctx, test, test.spec);
  const { sql, diagnostics, ephemerals } = compileGenericTestSql(ctx.project, test);
  const ctes = collectEphemerals(ctx, ephemerals, diagnostics);
  const injected = injectCtes(sql, constantMap(range), ctes, range);
  return { id: test.id, sql: injected.sql, map: injected.map, diagnostics };
}

/**
 * A generic test defined by a `{% test name(model, column_name, ...) %}` block, called as dbt calls it:
 * `model` is the tested relation (a filtered subquery under `where`), `column_name` is given for a
 * column's test, and every YAML argument is a keyword argument.
 */
function compileCustomTest(ctx: Ctx, test: TestNode, spec: TestSpec): CompiledNode {
  const range = spec.location.range;
  const diagnostics: Diagnostic[] = [];
  const done = (sql: string, deps: string[] = []): CompiledNode => {
    const injected = injectCtes(sql, constantMap(range), collectEphemerals(ctx, deps, diagnostics), range);
    return { id: test.id, sql: injected.sql, map: injected.map, diagnostics };
  };
  const fail = (message: string, code = 'bad-test'): CompiledNode => {
    diagnostics.push({ file: spec.location.file, range, severity: 'error', message, code });
    return done('');
  };
  const macro = testMacro(ctx.project, spec.name);
  if (!macro) {
    diagnostics.push(unknownTestDiagnostic(ctx.project, spec));
    return done('');
  }
  const target = test.attachedTo === undefined ? undefined : ctx.graph.nodes.get(test.attachedTo);
  if (!target || target.kind === 'test') return fail(`The test's model '${test.attachedTo ?? '?'}' does not exist`);
  const deps: string[] = [];
  let model: Relation | string = target.kind === 'source' && target.external ? externalRead(target.external, ctx.project.root) : Relation.of(target.relation);
  if (target.kind === 'model' && target.config.materialized === 'ephemeral') {
    deps.push(target.id);
    model = `__dbt__cte__${target.name}`;
  }
  const fixed: Record<string, unknown> = { model: spec.where?.trim() ? whereSubquery(String(model), spec) : model };
  if (spec.column !== undefined) fixed.column_name = spec.column;
  const called = ctx.renderer.callMacro(spec.location.file, macro.name, spec.args, fixed, renderOptions(ctx, test, deps, false), macro.package);
  if ('error' in called) {
    diagnostics.push(...(ctx.renderer.macroDiagnostics.get(macro.file) ?? []));
    return fail(`Generic test '${spec.name}' (${macro.file}): ${called.error}`, 'render-error');
  }
  return { ...done(called.sql.trim().replace(/[\s;]+$/, ''), deps), testConfig: Object.assign({}, ...called.configs) };
}

function macroFileDiagnostics(ctx: Ctx, scan: TemplateScan | undefined): Diagnostic[] {
  if (!scan || ctx.renderer.macroDiagnostics.size === 0) return [];
  const files = new Set(
    [...scan.macroCalls.map((c) => ctx.project.macros.get(c.name)?.file), ...scan.packageCalls.map((c) => ctx.project.packageMacros.get(c.package)?.get(c.name)?.file)].filter(
      (f): f is string => f !== undefined,
    ),
  );
  return [...files].flatMap((f) => ctx.renderer.macroDiagnostics.get(f) ?? []);
}

/** The model's config with config() values that only rendering could know (non-literal arguments). */
function finalConfig(model: ModelNode, rendered: Array<Record<string, unknown>>, diagnostics: Diagnostic[]): ModelConfig {
  const dynamic: Array<Record<string, unknown>> = [];
  model.scan.configs.forEach((call, i) => {
    const values = rendered[i];
    if (!values) return;
    const onlyRendered = Object.fromEntries(Object.entries(values).filter(([k]) => !(k in call.args)));
    if (Object.keys(onlyRendered).length === 0) return;
    diagnostics.push(...checkConfig(model.file, onlyRendered, (k) => call.argRanges[k] ?? call.range));
    dynamic.push(onlyRendered);
  });
  if (dynamic.length === 0) return model.config;
  return toModelConfig(mergeConfigs([rawConfig(model.config), ...dynamic]));
}

function rawConfig(c: ModelConfig): Record<string, unknown> {
  return {
    ...c.extra,
    materialized: c.materialized,
    unique_key: c.uniqueKey,
    incremental_strategy: c.incrementalStrategy,
    tags: c.tags,
    schema: c.schema,
    partition_by: c.partitionBy,
    layer: c.layer,
    contract: { enforced: c.contractEnforced },
    enabled: c.enabled,
  };
}

