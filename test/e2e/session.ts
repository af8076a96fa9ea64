// One VS Code for an e2e test file: code-server with the packaged extension installed and Chromium on a
// folder. Screenshots, code-server's log and VS Code's logs go to test-artifacts/<name>/.
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { startCodeServer } from './codeServer.js';
import { ensureVsix, ROOT } from './vsix.js';
import { Workbench } from './workbench.js';

export interface Session {
  wb: Workbench;
  /** Closes the browser and stops code-server, keeping VS Code's logs with the artifacts. */
  close(): Promise<void>;
}

/** Starts code-server (in Restricted Mode with `restricted`) and opens `folder` in it. */
export async function openSession(name: string, folder: string, { restricted = false } = {}): Promise<Session> {
  const artifacts = path.join(ROOT, 'test-artifacts', name);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const server = await startCodeServer(ensureVsix(), path.join(artifacts, 'code-server.log'), { restricted });
  const stop = () => server.stop(path.join(artifacts, 'vscode-logs'));
  let wb: Workbench;
  try {
    wb = await Workbench.open(server.url, folder, artifacts);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    wb,
    async close() {
      await wb.close();
      await stop();
    },
  };
}
