// "Ingest Files": lands data files into a bronze source of the lake with the medallion CLI (shipped
// in the extension as dist/cli.js), run on the extension host's own Node.
import * as vscode from 'vscode';
import { spawn } from 'node:child_process';

export interface IngestRequest {
  cli: string;
  projectRoot: string;
  source: string;
  files: vscode.Uri[];
}

/** Runs `medallion ingest`, streaming its output to the channel; resolves with its exit code. */
export function runIngest(request: IngestRequest, output: vscode.LogOutputChannel, cancel: vscode.CancellationToken): Promise<number> {
  const args = [request.cli, 'ingest', ...request.files.map((f) => f.fsPath), '--source', request.source, '--project', request.projectRoot];
  output.info(`medallion ${args.slice(1).join(' ')}`);
  return new Promise((resolve) => {
    // In desktop VS Code the extension host is Electron: ask it to behave as plain Node.
    const child = spawn(process.execPath, args, { cwd: request.projectRoot, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NO_COLOR: '1' } });
    const forward = (chunk: Buffer) => { for (const line of chunk.toString().split(/\r?\n/)) if (line) output.info(line); };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    const listener = cancel.onCancellationRequested(() => child.kill());
    child.on('error', (err) => { output.error(err.message); listener.dispose(); resolve(2); });
    child.on('close', (code) => { listener.dispose(); resolve(code ?? 1); });
  });
}
