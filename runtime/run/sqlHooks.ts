// dbt's hooks: a node's pre-hook/post-hook configs (models, seeds, snapshots) and the project's
// on-run-start/on-run-end, rendered when they run in the node's context ({{ this }}, ref, var; the
// run's `results` and `schemas` for on-run-end) and run in order; a failing hook names its position.
import type { EngineSession } from '../engine/adapter.js';
import { Relation } from '../template/relation.js';
import { compileExecuting, fetchOn } from '../compile/execute.js';
import { rendererFor } from '../compile/renderers.js';
import type { CompiledNode, ModelNode, Project, Range, SeedNode } from '../project/types.js';
import { constantMap } from '../template/offsetMap.js';
import type { NodeOutcome, NodeResult } from './types.js';

export interface Hook {
  sql: string;
  /** dbt's `transaction:` flag: true (default) runs inside the node's transaction, false outside it. */
  transaction: boolean;
}

/** A hook failure: the message and where the hook is written. */
export class HookError extends Error {
  constructor(message: string, readonly file: string, readonly range: Range | undefined) {
    super(message);
  }
}

/** Hooks as configs hold them: a string, `{sql, transaction}`, or a list of either. */
export function hookList(value: unknown): Hook[] {
  const list = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((h): Hook[] => {
    if (typeof h === 'string') return h.trim() ? [{ sql: h, transaction: true }] : [];
    if (h && typeof h === 'object' && typeof (h as { sql?: unknown }).sql === 'string') return [{ sql: (h as { sql: string }).sql, transaction: (h as { transaction?: unknown }).transaction !== false }];
    return [];
  });
}

/** A node's hooks of one kind from its (compiled) config. */
export function nodeHooks(node: ModelNode | SeedNode, compiled: CompiledNode | undefined, which: 'pre' | 'post'): Hook[] {
  if (node.kind === 'seed') return hookList(node.hooks?.[which]);
  return hookList((compiled?.config ?? node.config).extra[`${which}-hook`]);
}

/** Where a node's hooks are written, for errors: its config() call that sets them, else its file. */
function hookRange(node: ModelNode | SeedNode, which: 'pre' | 'post'): Range | undefined {
  if (node.kind === 'seed') return undefined;
  const call = node.scan.configs.find((c) => `${which}_hook` in c.argRanges || `${which}-hook` in c.argRanges);
  return call ? (call.argRanges[`${which}_hook`] ?? call.argRanges[`${which}-hook`]) : undefined;
}

/** Renders and runs the hooks of a node whose transaction flag is `inside`, in order. */
export async function runNodeHooks(db: EngineSession, project: Project, node: ModelNode | SeedNode, hooks: Hook[], which: 'pre' | 'post', inside: boolean): Promise<void> {
  let i = 0;
  for (const hook of hooks) {
    i++;
    if (hook.transaction !== inside) continue;
    await runOne(db, project, hook.sql, { self: node.relation, model: { name: node.name, unique_id: node.id, original_file_path: node.file } }, () => new HookError(`${which}-hook ${i} of ${node.name}`, node.file, hookRange(node, which)));
  }
}

async function runOne(db: EngineSession, project: Project, text: string, opts: SqlContext, where: () => HookError): Promise<void> {
  const compiled = await renderSql(db, project, text, where().file, opts);
  const problem = compiled.diagnostics.find((d) => d.severity === 'error');
  const head = where();
  if (problem) throw new HookError(`${head.message}: ${problem.message}`, head.file, head.range);
  const sql = compiled.sql.trim();
  if (!sql) return;
  try {
    await db.exec(sql);
  } catch (err) {
    throw new HookError(`${head.message} failed: ${err instanceof Error ? err.message : String(err)}`, head.file, head.range);
  }
}

/** What a hook's (or a source's loaded_at_query's) SQL sees besides dbt's context: `this`, `model`, run-level values. */
export interface SqlContext {
  self?: string;
  model?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

/** Renders SQL written in the project's YAML or config (a hook, a loaded_at_query) in dbt's execute phase on `db`. */
export async function renderSql(db: EngineSession, project: Project, text: string, file: string, opts: SqlContext): Promise<CompiledNode> {
  // The engine renders with dbt's context only; run-level values come in as `{% set %}` of their JSON.
  const prefix = Object.entries(opts.extra ?? {})
    .map(([k, v]) => `{% set ${k} = fromjson(${JSON.stringify(JSON.stringify(v))}) %}`)
    .join('');
  const renderer = rendererFor(project);
  const ref = (name: string): Relation | undefined => {
    const target = project.models.get(name) ?? project.seeds.get(name);
    return target ? Relation.of(target.relation) : undefined;
  };
  const source = (s: string, t: string): Relation | undefined => {
    const src = project.sources.get(`${s}.${t}`);
    return src ? Relation.of(src.relation) : undefined;
  };
  return compileExecuting(
    (o) => {
      const out = renderer.render(file, prefix + text, { ref, source, self: opts.self ? Relation.of(opts.self) : undefined, model: opts.model, query: o.query });
      return { id: 'hook', sql: out.sql, map: constantMap({ start: 0, end: 0 }), diagnostics: out.diagnostics };
    },
    fetchOn(db),
  );
}

/**
 * The project's on-run-start or on-run-end hooks as dbt reports them: one `operation` result each
 * (`operation.<project>-on-run-<which>-<i>`); after a failing hook the others do not run.
 */
export async function runOperations(db: EngineSession, project: Project, which: 'start' | 'end', extra: Record<string, unknown>): Promise<NodeResult[]> {
  const hooks = project.config.runHooks ? hookList(project.config.runHooks[which]) : [];
  const out: NodeResult[] = [];
  for (let i = 0; i < hooks.length; i++) {
    const name = `${project.config.name}-on-run-${which}-${i}`;
    const head = { id: `operation.${name}`, kind: 'operation' as const, name };
    if (out.some((r) => r.status === 'error')) {
      out.push({ ...head, status: 'skipped', ms: 0, message: 'skipped: an earlier hook failed' });
      continue;
    }
    const t0 = performance.now();
    try {
      await runOne(db, project, hooks[i].sql, { extra }, () => new HookError(`on-run-${which} hook ${i}`, project.config.file, project.config.runHooks!.ranges[which]));
      out.push({ ...head, status: 'success', ms: Math.round(performance.now() - t0), message: `on-run-${which} hook` });
    } catch (err) {
      const e = err instanceof HookError ? err : new HookError(String(err), project.config.file, undefined);
      out.push({ ...head, status: 'error', ms: Math.round(performance.now() - t0), message: e.message.split('\n')[0], error: { file: e.file, range: e.range, message: e.message } });
    }
  }
  return out;
}

/** What on-run-end's templates see: each result as dbt's (node, status, message, execution_time), and the schemas built. */
export function runEndContext(results: NodeResult[], schemas: string[]): Record<string, unknown> {
  const type = (id: string): string => id.slice(0, id.indexOf('.'));
  return {
    results: results.map((r) => ({ node: { name: r.name, unique_id: r.id, resource_type: type(r.id) }, status: r.status, message: r.message ?? null, execution_time: r.ms / 1000 })),
    schemas,
    database_schemas: schemas.map((s) => [null, s]),
  };
}

/**
 * A model's (compiled: its rendered config's) or seed's pre-hooks, its build, then its post-hooks; a
 * failing hook fails the node at the hook. `build` gets the in-transaction post-hooks to run inside its publishing transaction (a model's:
 * their failure rolls the model back, as dbt's); a build that does not run them gets them after.
 */
export async function withHooks(db: EngineSession, project: Project, node: ModelNode | SeedNode, compiled: CompiledNode | undefined, build: (inTransaction?: () => Promise<void>) => Promise<NodeOutcome>): Promise<NodeOutcome> {
  const pre = nodeHooks(node, compiled, 'pre');
  const post = nodeHooks(node, compiled, 'post');
  if (pre.length === 0 && post.length === 0) return build();
  const hooked = async (which: 'pre' | 'post', list: Hook[]): Promise<NodeOutcome | undefined> => {
    try {
      await runNodeHooks(db, project, node, list, which, false);
      await runNodeHooks(db, project, node, list, which, true);
      return undefined;
    } catch (err) {
      if (!(err instanceof HookError)) throw err;
      return { status: 'error', message: err.message.split('\n')[0], error: { file: err.file, range: err.range, message: err.message } };
    }
  };
  const failedPre = await hooked('pre', pre);
  if (failedPre) return failedPre;
  let ranInside = false;
  const outcome = await build(async () => {
    ranInside = true;
    await runNodeHooks(db, project, node, post, 'post', true);
  });
  if (outcome.status !== 'success') return outcome;
  try {
    if (!ranInside) await runNodeHooks(db, project, node, post, 'post', true);
    await runNodeHooks(db, project, node, post, 'post', false);
    return outcome;
  } catch (err) {
    if (!(err instanceof HookError)) throw err;
    return { status: 'error', message: err.message.split('\n')[0], error: { file: err.file, range: err.range, message: err.message } };
  }
}
