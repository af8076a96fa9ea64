// `medallion compile`: renders the selected models and tests (Jinja → SQL) and writes them to
// <target-path>/compiled/<project>/<file path> with manifest.json, as dbt does; prints a summary, or
// the SQL of a single model. On a Trino target it also reports what Trino would refuse (dialect.ts).
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { compileNode, compileProject } from '../../compile/compile.js';
import { validateForTrino } from '../../compile/dialect.js';
import { connectionOf, openTrino, serverUrl } from '../../engine/trino.js';
import type { Graph, GraphNode } from '../../graph/dag.js';
import type { CompiledNode, Diagnostic, ModelNode, TestNode, TrinoTarget } from '../../project/types.js';
import { writeManifest } from '../../run/manifest.js';
import { targetFolder } from '../../run/results.js';
import { action, displayPath, openProject, plural, projectOption, select, selectionOf, selectOptions, stdio, type Io, type ProjectOptions, type SelectOptions } from '../context.js';

export interface CompileCommandOptions extends ProjectOptions, SelectOptions {
  incremental?: boolean;
}

const WRITE_CONCURRENCY = 32;

export function register(program: Command): void {
  const command = program
    .command('compile')
    .description('render the models and tests to SQL in target/compiled/<project>/ (nothing is run)')
    .option('--incremental', 'render is_incremental() as true, as on a run where the model already exists');
  selectOptions(command);
  projectOption(command);
  command.action(action((options: CompileCommandOptions) => compile(options)));
}

export async function compile(options: CompileCommandOptions, io: Io = stdio): Promise<number> {
  const started = performance.now();
  const opened = await openProject(options, io, { allowErrors: true });
  const { project, graph } = opened;
  const selection = await selectionOf(opened, options, io);
  const selecting = (selection.select?.length ?? 0) > 0 || (selection.exclude?.length ?? 0) > 0 || selection.selector !== undefined;
  const opts = { isIncremental: options.incremental === true };
  let compiled: CompiledNode[];
  if (selecting) {
    // Selecting a model compiles its tests too (dbt's eager indirect selection).
    const ids = await select(opened, { ...selection, indirectTests: 'eager' });
    compiled = ids.filter((id) => isCompilable(graph.nodes.get(id))).map((id) => compileNode(project, graph, id, opts));
  } else {
    compiled = [...compileProject(project, graph, opts).values()].filter((c) => isCompilable(graph.nodes.get(c.id)));
  }

  const target = targetFolder(project);
  const outDir = path.join(target.dir, 'compiled', project.config.name);
  const files = compiled.map((c) => ({ file: path.join(outDir, outputPath(graph.nodes.get(c.id) as ModelNode | TestNode)), sql: c.sql }));
  await writeAll(files.filter((_, i) => !compiled[i].diagnostics.some((d) => d.severity === 'error')));
  await writeManifest(project, graph, randomUUID(), new Map(compiled.filter((c) => !c.diagnostics.some((d) => d.severity === 'error')).map((c) => [c.id, c.sql])));
  // A file the loader already found errors in would mostly repeat them when rendered.
  const reported = new Set([...project.diagnostics, ...graph.diagnostics].filter((d) => d.severity === 'error').map((d) => d.file));
  const diagnostics: Diagnostic[] = compiled.flatMap((c) => c.diagnostics).filter((d) => !reported.has(d.file));
  const trino = project.config.trino ? await checkForTrino(project.config.trino, graph, compiled) : undefined;
  const errors = (await opened.report([...diagnostics, ...(trino?.diagnostics ?? [])])) + opened.errors;

  const models = compiled.filter((c) => graph.nodes.get(c.id)?.kind === 'model');
  // One model selected: its SQL is the result (stdout), the summary goes beside it (stderr).
  const printSql = selecting && models.length === 1 && errors === 0;
  if (printSql) {
    io.out(`-- ${path.posix.join(opened.displayRoot, (graph.nodes.get(models[0].id) as ModelNode).file)} (compiled)`);
    io.out(models[0].sql.replace(/\s+$/, ''));
  }
  const ms = Math.round(performance.now() - started);
  const shownDir = displayPath(io.cwd, outDir);
  const counts = `${plural(models.length, 'model')} and ${plural(compiled.length - models.length, 'test')}`;
  const failed = compiled.filter((c) => c.diagnostics.some((d) => d.severity === 'error')).length;
  (printSql ? io.err : io.out)(`Compiled ${counts} of ${project.config.name} in ${ms} ms → ${shownDir}/${failed ? ` (${failed} failed)` : ''}${errors ? `; ${plural(errors, 'error')}` : ''}`);
  if (trino) (printSql ? io.err : io.out)(trino.summary);
  return errors > 0 ? 1 : 0;
}

/**
 * On a Trino target: what Trino would refuse in the compiled models and singular tests, checked
 * statically and, when the target's cluster answers, by the cluster (EXPLAIN (TYPE VALIDATE)).
 */
async function checkForTrino(target: TrinoTarget, graph: Graph, compiled: CompiledNode[]): Promise<{ diagnostics: Diagnostic[]; summary: string }> {
  const url = serverUrl(target);
  const session = await openTrino(connectionOf(target)).catch(() => undefined);
  try {
    const diagnostics: Diagnostic[] = [];
    for (const c of compiled) {
      const node = graph.nodes.get(c.id);
      const own = (node?.kind === 'model' && !node.skip) || (node?.kind === 'test' && node.text !== undefined && !node.unit);
      if (own) diagnostics.push(...(await validateForTrino(c, { file: node.file, session })));
    }
    const summary = session
      ? `Validated for Trino on the cluster at ${url} (EXPLAIN (TYPE VALIDATE))`
      : `Checked for Trino without the cluster (${url} does not answer; \`medallion engine up\` starts a local one): DuckDB-only syntax only`;
    return { diagnostics, summary };
  } finally {
    session?.close();
  }
}

/** Models and tests, but not a node Medallion skips (a Python model is not a template). */
function isCompilable(node: GraphNode | undefined): boolean {
  return node?.kind === 'test' || (node?.kind === 'model' && !node.skip);
}

/** dbt's layout: a model or singular test keeps its path; a generic test goes under its YAML file. */
function outputPath(node: ModelNode | TestNode): string {
  return node.kind === 'test' && node.text === undefined ? `${node.file}/${node.name}.sql` : node.file;
}

async function writeAll(files: Array<{ file: string; sql: string }>): Promise<void> {
  const dirs = new Set(files.map((f) => path.dirname(f.file)));
  for (const dir of dirs) await fsp.mkdir(dir, { recursive: true });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++];
      await fsp.writeFile(f.file, f.sql.endsWith('\n') ? f.sql : f.sql + '\n');
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, files.length) }, worker));
}
