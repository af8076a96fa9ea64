// The `medallion` command line: one file per command under commands/, registered here.
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

const program = new Command('medallion')
  .description('Medallion: run and inspect medallion data pipelines (bronze → silver → gold) on embedded DuckDB')
  .version('0.1.0')
  .showHelpAfterError();

registerCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  // Anything reaching here is a bug in Medallion, not a user error: exit code 2.
  console.error(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(2);
});
