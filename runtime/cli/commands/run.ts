// `medallion run`: loads the selected models' sources into bronze and builds the models, with live
// progress, errors as file:line:col, and a final summary. `build` (build.ts) shares all of it.
import { allowedDirectories } from '../../run/allowed.js';
import type { Command } from 'commander';
import type { Diagnostic } from '../../project/types.js';
import { runPipeline } from '../../run/runner.js';
import type { NodeResult, RunEvent, RunOptions, RunResults } from '../../run/types.js';
import { action, colorsOf, deferOf, deferOptions, openProject, plural, projectOption, refuseOnErrors, runSelection, selectOptions, stdio, threadsArg, type Colors, type Io, type DeferOptions, type ProjectOptions, type SelectOptions } from '../context.js';

export interface RunCommandOptions extends ProjectOptions, SelectOptions, DeferOptions {
  fullRefresh?: boolean;
  failFast?: boolean;
  threads?: number;
}

export function register(program: Command): void {
  const command = program.command('run').description('load the sources the selected models read, then build the models in DAG order');
  runOptions(command);
  command.action(action((options: RunCommandOptions) => runCommand('run', options)));
}

/** The options `run` and `build` share. */
export function runOptions(command: Command): Command {
  projectOption(command);
  selectOptions(command);
  deferOptions(command);
  return command
    .option('--full-refresh', 'rebuild incremental models from scratch and reload unchanged sources')
    .option('--fail-fast', 'stop at the first failure')
    .option('--threads <n>', 'nodes run at once (default: the project\'s threads)', threadsArg);
}

export async function runCommand(command: 'run' | 'build', options: RunCommandOptions, io: Io = stdio, extra: Partial<RunOptions> = {}): Promise<number> {
  const opened = await openProject(options, io, { allowErrors: true });
  const { ids, ...selection } = await runSelection(opened, options, io, command === 'build' ? 'eager' : undefined);
  refuseOnErrors(opened, ids);
  const defer = await deferOf(options, io);
  const colors = colorsOf(io);
  const progress = new Progress(io);
  const controller = new AbortController();
  const interrupt = (): void => {
    io.err('stopping: cancelling the running nodes (Ctrl-C again to exit at once)');
    controller.abort();
    process.off('SIGINT', interrupt);
  };
  process.on('SIGINT', interrupt);
  let run: RunResults;
  try {
    run = await runPipeline(opened.project, opened.graph, {
      allowedDirectories: allowedDirectories(process.env),
      command,
      ...selection,
      defer,
      fullRefresh: options.fullRefresh,
      failFast: options.failFast,
      threads: options.threads,
      signal: controller.signal,
      onEvent: (e) => progress.event(e),
      ...extra,
    });
  } finally {
    process.off('SIGINT', interrupt);
  }
  progress.clear();
  const diagnostics: Diagnostic[] = [
    ...run.errors.map((e) => ({ file: e.file, range: e.range ?? { start: 0, end: 0 }, severity: 'error' as const, message: e.message })),
    ...run.results.filter((r) => r.error).map((r) => ({ file: r.error!.file, range: r.error!.range ?? { start: 0, end: 0 }, severity: 'error' as const, message: r.error!.message })),
  ];
  if (diagnostics.length) {
    io.err('');
    await opened.report(diagnostics);
  }
  for (const r of run.results) if (r.kind === 'test' && (r.status === 'fail' || r.status === 'warn')) for (const line of failingRows(r, colors)) io.out(line);
  if (run.deferred) io.out(colors.dim(`Deferred to --state ${options.state}: ${run.deferred.join(', ')}`));
  for (const line of summary(run, colors)) io.out(line);
  return run.success ? 0 : 1;
}

function label(pc: Colors, status: NodeResult['status']): string {
  const labels: Record<NodeResult['status'], string> = {
    success: pc.green('OK    '),
    warn: pc.yellow('WARN  '),
    error: pc.red('ERROR '),
    fail: pc.red('FAIL  '),
    skipped: pc.dim('SKIP  '),
    cancelled: pc.yellow('CANCEL'),
  };
  return labels[status];
}

/** One line per finished node; on a terminal, a status line of what is running, rewritten in place. */
class Progress {
  private readonly running = new Map<string, string>();
  private readonly tty: boolean;
  private readonly pc: Colors;
  private width = 0;

  constructor(private readonly io: Io) {
    this.tty = process.stdout.isTTY === true && io === stdio;
    this.pc = colorsOf(io);
  }

  event(e: RunEvent): void {
    if (e.type === 'start') {
      this.io.out(`Running ${plural(e.total, 'node')} (run ${e.runId})`);
    } else if (e.type === 'node-start') {
      this.running.set(e.id, `${e.kind} ${e.name}`);
      this.status();
    } else if (e.type === 'node-finish') {
      this.running.delete(e.result.id);
      this.clear();
      const r = e.result;
      const n = String(e.total).length;
      const what = `${kindLabel(r)} ${r.name}`;
      const rows = r.rows !== undefined && (r.kind === 'model' || r.kind === 'seed') && !/\brows?\b/.test(r.message ?? '') ? plural(r.rows, 'row') : '';
      const detail = [rows, r.message ?? ''].filter(Boolean).join(', ');
      const time = r.status === 'skipped' || (r.status === 'cancelled' && r.ms === 0) ? '' : ` [${(r.ms / 1000).toFixed(2)}s]`;
      this.io.out(`${String(e.index).padStart(n)} of ${e.total} ${label(this.pc, r.status)} ${what}${detail ? this.pc.dim(` · ${detail}`) : ''}${this.pc.dim(time)}`);
      this.status();
    }
  }

  private status(): void {
    if (!this.tty || this.running.size === 0) return;
    const line = this.pc.dim(`  running: ${[...this.running.values()].join(', ')}`).slice(0, (process.stdout.columns ?? 100) + 20);
    process.stdout.write(`\r\x1b[K${line}`);
    this.width = line.length;
  }

  clear(): void {
    if (this.tty && this.width) process.stdout.write('\r\x1b[K');
    this.width = 0;
  }
}

/** A failed test's count and its first failing rows as a small table. */
export function failingRows(r: NodeResult, pc: Colors): string[] {
  const details = r.details as { sampleRows?: Array<Record<string, unknown>>; columns?: Array<{ name: string }> } | undefined;
  const head = `\n${r.status === 'fail' ? pc.red('FAIL') : pc.yellow('WARN')} ${r.name}: ${plural(r.rows ?? 0, 'failing row')}`;
  const sample = details?.sampleRows ?? [];
  if (sample.length === 0) return [head];
  const columns = details?.columns?.map((c) => c.name) ?? Object.keys(sample[0]);
  const cells = sample.map((row) => columns.map((c) => (row[c] === null || row[c] === undefined ? 'null' : String(row[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]): string => `  ${values.map((v, i) => v.padEnd(widths[i])).join('  ')}`.trimEnd();
  const more = (r.rows ?? 0) > sample.length ? [pc.dim(`  … ${plural((r.rows ?? 0) - sample.length, 'more row')}`)] : [];
  return [head, line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line), ...more];
}

/** What a result is, in dbt's words: a snapshot is a model node of kind 'model' with a snapshot id. */
export function kindLabel(r: NodeResult): string {
  return r.id.startsWith('snapshot.') ? 'snapshot' : r.id.startsWith('unit_test.') ? 'unit test' : r.kind;
}

/** The closing lines: counts by kind and status, rows written, dead letters, time. */
export function summary(run: RunResults, pc: Colors): string[] {
  const by = (kind: NodeResult['kind']): NodeResult[] => run.results.filter((r) => r.kind === kind);
  const ok = (r: NodeResult): boolean => r.status === 'success' || r.status === 'warn';
  const parts: string[] = [];
  const snapshot = (r: NodeResult): boolean => r.id.startsWith('snapshot.');
  const models = by('model').filter((r) => !snapshot(r));
  const snapshots = run.results.filter(snapshot);
  if (models.length) parts.push(`${plural(models.filter(ok).length, 'model')} (${plural(models.reduce((n, r) => n + (r.rows ?? 0), 0), 'row')})`);
  const sources = by('source');
  if (sources.length) {
    const d = (key: string): number => sources.reduce((n, r) => n + Number((r.details as Record<string, number> | undefined)?.[key] ?? 0), 0);
    parts.push(`${plural(sources.filter(ok).length, 'source')} (${plural(d('accepted'), 'row')} accepted, ${d('rejected').toLocaleString('en-US')} rejected, ${d('duplicates').toLocaleString('en-US')} duplicates)`);
  }
  const seeds = by('seed');
  if (seeds.length) parts.push(plural(seeds.filter(ok).length, 'seed'));
  if (snapshots.length) parts.push(`${plural(snapshots.filter(ok).length, 'snapshot')} (${plural(snapshots.reduce((n, r) => n + (r.rows ?? 0), 0), 'new row')})`);
  const hooks = by('operation');
  if (hooks.length) parts.push(`${plural(hooks.filter(ok).length, 'hook')} run`);
  const unit = (r: NodeResult): boolean => r.id.startsWith('unit_test.');
  const tests = by('test').filter((r) => !unit(r));
  if (tests.length) parts.push(`${plural(tests.filter((r) => r.status === 'success').length, 'test')} passed`);
  const unitTests = by('test').filter(unit);
  if (unitTests.length) parts.push(`${plural(unitTests.filter((r) => r.status === 'success').length, 'unit test')} passed`);
  const count = (s: NodeResult['status']): number => run.results.filter((r) => r.status === s).length;
  const problems = (['error', 'fail', 'warn', 'skipped', 'cancelled'] as const).filter((s) => count(s)).map((s) => `${count(s)} ${s}`);
  const head = run.success ? pc.green('Done') : pc.red('Failed');
  return [
    '',
    `${head} in ${(run.elapsedMs / 1000).toFixed(2)}s: ${parts.join(', ') || 'nothing to run'}${problems.length ? ` · ${problems.join(', ')}` : ''}`,
  ];
}
