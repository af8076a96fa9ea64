// Runs one node of the DAG on its session: a source's load into bronze, a model's compile and
// materialization (errors placed on the template), a snapshot, a Python model, a seed or a test.
import * as path from 'node:path';
import type { CompiledNode, ModelNode, Range, SourceTable } from '../project/types.js';
import { SourceError } from './bronze.js';
import { externalTarget } from './externalModel.js';
import { missingExternalSource } from './externalSources.js';
import { ModelError } from './materialize.js';
import { runPythonModel } from './pythonModel.js';
import { HookError, withHooks } from './sqlHooks.js';
import type { GraphNode, NodeContext, NodeOutcome, NodeResult, RunHooks } from './types.js';

export async function runNode(ctx: NodeContext, hooks: Partial<RunHooks>, node: GraphNode): Promise<Omit<NodeResult, 'ms'>> {
  const head = { id: node.id, kind: node.kind, name: nameOf(node) } as const;
  switch (node.kind) {
    case 'source':
      return { ...head, ...(await runSource(ctx, node)) };
    case 'model':
      if (node.language === 'python' && !node.package) return { ...head, ...(await runPythonModel(ctx, node)) };
      if (node.skip) return { ...head, status: 'skipped', message: node.skip };
      if (node.snapshot) return { ...head, ...(await ctx.steps.snapshot(ctx, node)) };
      return { ...head, ...(await runModel(ctx, node)) };
    case 'seed': {
      const { runSeed } = hooks;
      if (!runSeed) return { ...head, status: 'skipped', message: 'seeds are not available yet' };
      return { ...head, ...(await withHooks(ctx.db, ctx.project, node, undefined, () => runSeed(ctx, node))) };
    }
    case 'test':
      if (!hooks.runTest) return { ...head, status: 'skipped', message: 'tests are not available yet' };
      return { ...head, ...(await hooks.runTest(ctx, node)) };
  }
}

async function runSource(ctx: NodeContext, source: SourceTable): Promise<NodeOutcome> {
  const load = await ctx.steps.loadSource(ctx, source).catch((err: unknown) => {
    if (err instanceof SourceError) return { status: 'error' as const, message: err.message, error: { ...err.location, message: err.message } };
    throw err;
  });
  if ('status' in load) return load;
  const parts = load.unchanged ? ['unchanged since the last load'] : [`${load.read} read`];
  if (load.rejected && !load.unchanged) parts.push(`${load.rejected} rejected → ${load.rejectedKeys.length === 1 ? load.rejectedKeys[0] : `${path.posix.dirname(load.rejectedKeys[0])}/ (${load.rejectedKeys.length} files)`}`);
  if (load.duplicates && !load.unchanged) parts.push(`${load.duplicates} duplicates dropped`);
  parts.push(...load.warnings);
  return { status: load.warnings.length ? 'warn' : 'success', rows: load.accepted, message: parts.join(', '), details: { ...load } };
}

async function runModel(ctx: NodeContext, model: ModelNode): Promise<NodeOutcome> {
  const missing = await missingExternalSource(ctx.db, ctx.project, ctx.graph, model.id);
  if (missing) return missing;
  const incremental = await ctx.steps.isIncrementalRun(ctx.db, model, model.config, ctx.fullRefresh);
  const compiled = await ctx.compile(model.id, { isIncremental: incremental });
  // A materialization known only once rendered (config(materialized=var(...))) that Medallion does not implement.
  const custom = compiled.config?.customMaterialization;
  if (custom !== undefined) return { status: 'skipped', message: `materialization '${custom}' is not supported yet` };
  const problem = compiled.diagnostics.find((d) => d.severity === 'error');
  if (problem) return { status: 'error', message: problem.message, error: { file: problem.file || model.file, range: problem.range, message: problem.message } };
  // pre-hooks, the build with the in-transaction post-hooks inside, then the others (sqlHooks.ts).
  return withHooks(ctx.db, ctx.project, model, compiled, (inTransaction) => build(ctx, model, compiled, incremental, inTransaction));
}

async function build(ctx: NodeContext, model: ModelNode, compiled: CompiledNode, incremental: boolean, inTransaction?: () => Promise<void>): Promise<NodeOutcome> {
  try {
    const result = await ctx.steps.materialize({ db: ctx.db, lake: ctx.lake, tempDir: ctx.tempDir, external: externalTarget(ctx.project), inTransaction }, model, compiled, incremental);
    return { status: 'success', rows: result.rows, message: result.message, details: result.published ? { published: result.published } : undefined };
  } catch (err) {
    const message = messageOf(err);
    if (err instanceof HookError) return { status: 'error', message: firstLine(err), error: { file: err.file, range: err.range, message } };
    let range;
    let file = model.file;
    if (err instanceof ModelError && err.compiledOffset !== undefined) range = widenToWord(model.text, compiled.map.toTemplate(err.compiledOffset));
    if (err instanceof ModelError && err.code === 'contract' && model.spec) ({ file, range } = model.spec.location);
    return { status: 'error', message: firstLine(err), error: { file, range, message } };
  }
}

/** Widens a point range to the identifier starting there, so the editor underlines the whole name. */
function widenToWord(text: string, range: Range): Range {
  const word = /^[\w$"]+/.exec(text.slice(range.start));
  return word && range.end - range.start <= 1 ? { start: range.start, end: range.start + word[0].length } : range;
}

export function nameOf(node: GraphNode): string {
  return node.kind === 'source' ? `${node.source}.${node.table}` : node.name;
}

export function fileOf(node: GraphNode): string {
  return node.kind === 'source' ? node.location.file : node.file;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function firstLine(err: unknown): string {
  return messageOf(err).split('\n')[0];
}
