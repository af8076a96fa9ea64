// `medallion seed [-s SELECTOR…]`: loads the CSVs under seeds/ into their tables (column_types
// applied), replacing each table atomically. Exit 1 when a seed could not be loaded.
import type { Command } from 'commander';
import { action } from '../context.js';
import { nodeCommandOptions, runNodes, type NodeCommandOptions } from './test.js';

export function register(program: Command): void {
  const command = program.command('seed').description('load the CSV files under seeds/ into tables');
  nodeCommandOptions(command, 'seeds loaded at once').option('--full-refresh', 'accepted as in dbt (every seed is replaced whole anyway)');
  command.action(action((options: NodeCommandOptions) => runNodes('seed', options)));
}
