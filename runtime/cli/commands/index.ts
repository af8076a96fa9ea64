// The list of CLI commands. Each command file exports `register(program)`; add one line per command.
import type { Command } from 'commander';

const commands: Array<(program: Command) => void> = [];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
