// `medallion lsp --stdio`: the language server for editors other than VS Code (Neovim, Helix, Zed),
// the very server the extension starts. It is loaded from the bundle beside the CLI (dist/server.js),
// because the runtime never imports the editor adapters (STYLE.md §1).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('lsp')
    .description('start the language server for any LSP editor (VS Code, Neovim, Helix, Zed; see docs/neovim.md)')
    .option('--stdio', 'talk LSP over stdin/stdout (what most editors use)')
    .option('--node-ipc', 'talk LSP over a Node IPC channel (when started by a Node client)')
    .action(async (options: { stdio?: boolean; nodeIpc?: boolean }) => {
      if (!options.stdio && !options.nodeIpc) {
        console.error('medallion lsp: choose a transport: --stdio or --node-ipc');
        process.exitCode = 1;
        return;
      }
      const entry = serverEntry();
      if (!entry) {
        console.error('medallion lsp: dist/server.js not found; run `npm run build` first');
        process.exitCode = 1;
        return;
      }
      // The server reads its transport from process.argv (--stdio / --node-ipc), as given here.
      await import(pathToFileURL(entry).href);
    });
}

/** The bundled server: next to dist/cli.js, or dist/ at the repository root when run from source. */
function serverEntry(): string | undefined {
  return [path.join(__dirname, 'server.js'), path.resolve(__dirname, '../../../dist/server.js')].find((p) => existsSync(p));
}
