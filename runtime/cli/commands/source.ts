// `medallion source freshness [-s SELECTOR…]`: dbt's source freshness. Checks each selected source with
// a freshness threshold, prints a line per source and a summary, writes <target>/sources.json (dbt's v3)
// and keeps the run in run_results.json.
// Exit 1 when a source is past error_after or could not be checked, as dbt.
import type { Command } from 'commander';
import type { SourceTable } from '../../project/types.js';
import { freshnessSummary, hasFreshness, type FreshnessResult, type FreshnessStatus } from '../../run/freshness.js';
import { FreshnessRunError, runSourceFreshness } from '../../run/freshnessRun.js';
import { action, colorsOf, displayPath, openProject, projectOption, select, selectionOf, selectOptions, stdio, UserError, type Colors, type Io, type ProjectOptions, type SelectOptions } from '../context.js';

export type FreshnessOptions = ProjectOptions & SelectOptions;

export function register(program: Command): void {
  const source = program.command('source').description("dbt's source commands");
  const command = source.command('freshness').description('check how recently each source was loaded against its freshness thresholds and write target/sources.json');
  projectOption(command);
  selectOptions(command);
  command.action(action((options: FreshnessOptions) => sourceFreshness(options)));
}

export async function sourceFreshness(options: FreshnessOptions, io: Io = stdio): Promise<number> {
  const opened = await openProject(options, io);
  const { project } = opened;
  const pc = colorsOf(io);
  const ids = new Set(await select(opened, await selectionOf(opened, options, io)));
  const sources = [...opened.graph.nodes.values()].filter((n): n is SourceTable => n.kind === 'source' && ids.has(n.id) && hasFreshness(n));
  if (sources.length === 0) {
    io.out('Nothing to do: no selected source has a freshness threshold (freshness: {warn_after: …, error_after: …}).');
    return 0;
  }
  let outcome;
  try {
    outcome = await runSourceFreshness(project, sources, options.select ?? [], (r, i) => {
      for (const line of resultLines(r, i, sources.length, pc)) io.out(line);
    });
  } catch (err) {
    if (err instanceof FreshnessRunError) throw new UserError(err.message);
    throw err;
  }
  const { results, elapsedMs, written } = outcome;
  const failed = results.some((r) => r.status === 'error' || r.status === 'runtime error');
  const count = (s: FreshnessStatus): number => results.filter((r) => r.status === s).length;
  io.out(`\n${failed ? pc.red('Failed') : pc.green('Done')} in ${(elapsedMs / 1000).toFixed(2)}s. PASS=${count('pass')} WARN=${count('warn')} ERROR=${count('error')} RUNTIME_ERROR=${count('runtime error')}`);
  io.err(pc.dim(`Wrote ${displayPath(io.cwd, written)} and the run's run_results.json`));
  return failed ? 1 : 0;
}

const LABELS: Record<FreshnessStatus, (pc: Colors) => string> = {
  pass: (pc) => pc.green('PASS'),
  warn: (pc) => pc.yellow('WARN'),
  error: (pc) => pc.red('ERROR STALE'),
  'runtime error': (pc) => pc.red('ERROR'),
};

/** A source's line: status, age and the threshold it crossed; for a runtime error, the error below it. */
export function resultLines(r: FreshnessResult, index: number, total: number, pc: Colors): string[] {
  const counter = `${String(index).padStart(String(total).length)} of ${total}`;
  const timing = pc.dim(` [${(r.ms / 1000).toFixed(2)}s]`);
  const head = `${counter} ${LABELS[r.status](pc)} freshness of ${r.source}.${r.table}`;
  if (r.status === 'runtime error') return [`${head}${timing}`, `    ${r.error ?? ''}`];
  return [`${head}${pc.dim(` · ${freshnessSummary(r)}`)}${timing}`];
}
