// `medallion build`: seeds, sources, models and their tests in DAG order; a failing test skips the
// models downstream of what it tests. Options and output are `run`'s.
import type { Command } from 'commander';
import { action } from '../context.js';
import { runCommand, runOptions, type RunCommandOptions } from './run.js';

export function register(program: Command): void {
  const command = program.command('build').description('load seeds and sources, build models and run their tests, in DAG order');
  runOptions(command);
  command.action(action((options: RunCommandOptions) => runCommand('build', options)));
}
