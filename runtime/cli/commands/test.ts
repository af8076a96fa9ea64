// `medallion test [-s SELECTOR…]`: runs the data tests of the selection (and, as dbt does, the tests
// of the selected models, seeds and sources), printing each result with its first failing rows and
// counts. Exit 1 on an error-severity failure or a test that could not run; warnings alone exit 0.
// `medallion seed` (seed.ts) shares the runner and the output.
import { allowedDirectories } from '../../run/allowed.js';
import type { Command } from 'commander';
import type { ColumnInfo, JsonValue } from '../../engine/adapter.js';
import { runPipeline } from '../../run/runner.js';
import type { NodeResult, NodeStatus, RunResults } from '../../run/types.js';
import { action, colorsOf, deferOf, deferOptions, openProject, plural, projectOption, runSelection, selectOptions, stdio, threadsArg, type Colors, type Io, type DeferOptions, type ProjectOptions, type SelectOptions } from '../context.js';
import { formatTable } from './preview.js';
import { kindLabel } from './run.js';

export interface NodeCommandOptions extends ProjectOptions, SelectOptions, DeferOptions {
  threads?: number;
  /** seed: dbt's flag; seeds are always replaced whole, so it changes nothing but is accepted. */
  fullRefresh?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('test')
    .description('run data tests (unique, not_null, accepted_values, relationships, tests/*.sql) and show their failing rows');
  nodeCommandOptions(command, 'tests run at once');
  command.action(action((options: NodeCommandOptions) => runNodes('test', options)));
}

/** --project, --select/--exclude, --defer/--state and --threads. */
export function nodeCommandOptions(command: Command, threads: string): Command {
  projectOption(command);
  selectOptions(command);
  deferOptions(command);
  return command.option('--threads <n>', `${threads} (default: the project's threads)`, threadsArg);
}

function label(pc: Colors, status: NodeStatus): string {
  const labels: Record<NodeStatus, string> = {
    success: pc.green('PASS'),
    warn: pc.yellow('WARN'),
    fail: pc.red('FAIL'),
    error: pc.red('ERROR'),
    skipped: pc.dim('SKIP'),
    cancelled: pc.yellow('CANCEL'),
  };
  return labels[status];
}

/** Runs `test`, `seed` or `snapshot` over the selection with a line per node; returns the exit code. */
export async function runNodes(command: 'test' | 'seed' | 'snapshot', options: NodeCommandOptions, io: Io = stdio): Promise<number> {
  const opened = await openProject(options, io);
  const pc = colorsOf(io);
  const run = await runPipeline(opened.project, opened.graph, {
      allowedDirectories: allowedDirectories(process.env),
    command,
    // dbt's indirect selection: `test -s orders` runs the tests on orders.
    ...(await runSelection(opened, options, io, 'eager')),
    defer: await deferOf(options, io),
    threads: options.threads,
    fullRefresh: options.fullRefresh,
    onEvent: (e) => {
      if (e.type === 'node-finish') for (const line of resultLines(e.result, e.index, e.total, pc)) io.out(line);
    },
  });
  for (const e of run.errors) io.err(`${pc.red('error')}: ${e.message}`);
  io.out(closingLine(command, run, pc));
  return run.success ? 0 : 1;
}

/** A node's line, then for a failing test its first failing rows, for an error its message. */
export function resultLines(r: NodeResult, index: number, total: number, pc: Colors): string[] {
  const counter = `${String(index).padStart(String(total).length)} of ${total}`;
  const rows = r.kind === 'seed' && r.rows !== undefined ? pc.dim(` · ${plural(r.rows, 'row')}`) : '';
  const message = r.kind === 'test' && r.message && r.status !== 'error' ? pc.dim(` · ${r.message}`) : '';
  const lines = [`${counter} ${label(pc, r.status)} ${kindLabel(r)} ${r.name}${rows}${message}${pc.dim(` [${(r.ms / 1000).toFixed(2)}s]`)}`];
  if (r.status === 'error' && (r.error?.message ?? r.message)) lines.push(indent(r.error?.message ?? r.message!));
  const sample = r.details?.sampleRows as Record<string, JsonValue>[] | undefined;
  const columns = r.details?.columns as ColumnInfo[] | undefined;
  if ((r.status === 'fail' || r.status === 'warn') && sample?.length && columns) {
    const failures = Number(r.details?.failures ?? sample.length);
    const more = failures > sample.length ? `\n… and ${plural(failures - sample.length, 'more row')}` : '';
    lines.push(indent(formatTable(columns, sample) + more));
  }
  return lines;
}

function closingLine(command: 'test' | 'seed' | 'snapshot', run: RunResults, pc: Colors): string {
  if (run.results.length === 0) return run.errors.length ? '' : `Nothing to ${command} in the selection.`;
  // As dbt's, the counts leave out on-run-start/on-run-end hooks.
  const count = (s: NodeStatus): number => run.results.filter((r) => r.status === s && r.kind !== 'operation').length;
  const counts = [`PASS=${count('success')}`, `WARN=${count('warn')}`, `FAIL=${count('fail')}`, `ERROR=${count('error')}`, `SKIP=${count('skipped')}`];
  return `\n${run.success ? pc.green('Done') : pc.red('Failed')} in ${(run.elapsedMs / 1000).toFixed(2)}s. ${counts.join(' ')}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
