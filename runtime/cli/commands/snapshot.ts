// `medallion snapshot [-s SELECTOR…]`: builds the selected snapshots (SCD type 2 tables), each in one
// transaction. Exit 1 when a snapshot failed.
import type { Command } from 'commander';
import { action } from '../context.js';
import { nodeCommandOptions, runNodes, type NodeCommandOptions } from './test.js';

export function register(program: Command): void {
  const command = program.command('snapshot').description('build the snapshots (dbt snapshots: SCD type 2 history tables)');
  nodeCommandOptions(command, 'snapshots built at once');
  command.action(action((options: NodeCommandOptions) => runNodes('snapshot', options)));
}
