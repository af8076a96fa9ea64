// The extension on a Trino target in a real VS Code (code-server + Chromium), with no cluster running:
// the status bar names the Trino target, and the "Validate on Trino" code lens shows what Trino refuses
// (the static check) in the Problems panel at its place. Screenshots go to test-artifacts/e2e-trino/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from '../support/minio.js';
import { startCodeServer, type CodeServer } from './codeServer.js';
import { ensureVsix, ROOT } from './vsix.js';
import { Workbench } from './workbench.js';

const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e-trino');

/** A project whose target `cluster` runs on Trino (at a port nothing listens on), chosen by the folder's settings. */
function writeProject(dir: string, trinoPort: number): void {
  const files: Record<string, string> = {
    'pipeline.yml': `name: on_trino
lake: { s3: { endpoint: 'http://127.0.0.1:9', bucket: lake, access_key_env: E2E_KEY, secret_key_env: E2E_SECRET } }
sources:
  app_logs:
    format: json
    path: bronze/app_logs/*.json
    columns:
      user_id: { type: integer }
      ts: { type: timestamptz }
targets:
  cluster:
    engine: trino
    port: ${trinoPort}
`,
    'models/gold/pairs.sql': "select user_id,\n  list_value(user_id, 1) as pair\nfrom {{ source('bronze', 'app_logs') }}\n",
    '.vscode/settings.json': JSON.stringify({ 'medallion.target': 'cluster' }),
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

describe('Medallion on a Trino target (code-server)', { timeout: 10 * 60_000 }, () => {
  let server: CodeServer | undefined;
  let wb: Workbench;
  let workspace: string;

  before(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const vsix = ensureVsix();
    workspace = path.join(mkdtempSync(path.join(tmpdir(), 'medallion-ws-')), 'on_trino');
    writeProject(workspace, await freePort());
    server = await startCodeServer(vsix, path.join(ARTIFACTS, 'code-server.log'));
    wb = await Workbench.open(server.url, workspace, ARTIFACTS);
  });

  after(async () => {
    await wb?.close();
    await server?.stop(path.join(ARTIFACTS, 'vscode-logs'));
    if (workspace) rmSync(path.dirname(workspace), { recursive: true, force: true });
  });

  test('the status bar names the Trino target; Validate on Trino puts what Trino refuses in Problems', async () => {
    try {
      await wb.page.locator('.statusbar-item', { hasText: /on_trino\s+1 models\s+cluster \(Trino\)/ }).waitFor({ timeout: 60_000 });
      await wb.openFile('models/gold/pairs.sql');
      const lens = wb.page.locator('.codelens-decoration a', { hasText: 'Validate on Trino' });
      await lens.waitFor({ timeout: 60_000 });
      await wb.screenshot('lenses');
      await lens.click();
      await wb.page.locator('.notification-toast', { hasText: 'pairs is not valid on Trino' }).waitFor({ timeout: 60_000 });
      const problem = await wb.waitForProblem(/list_value/);
      // The static check (no cluster answers): at line 2, column 3 of the model.
      assert.match(problem, /Function 'list_value' is DuckDB's/);
      assert.match(problem, /\[Ln 2, Col 3\]/);
      await wb.screenshot('validated');
    } catch (err) {
      await wb?.screenshot('failed').catch(() => undefined);
      throw err;
    }
  });
});
