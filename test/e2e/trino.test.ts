// The extension on a Trino target in a real VS Code (code-server + Chromium), with no cluster running:
// the status bar names the Trino target, and the "Validate on Trino" code lens shows what Trino refuses
// (the static check) in the Problems panel at its place. Screenshots go to test-artifacts/e2e-trino/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from '../support/minio.js';
import { openSession, type Session } from './session.js';
import type { Workbench } from './workbench.js';

/** A project whose target `cluster` runs on Trino (at a port nothing listens on), chosen by the folder's settings. */
function writeProject(dir: string, trinoPort: number): void {
  const files: Record<string, string> = {
    'pipeline.yml': `name: on_trino
lake: { s3: { endpoint: 'http://127.0.0.1:9', bucket: lake, access_key_env: E2E_KEY, secret_key_env: E2E_SECRET } }
targets:
  cluster:
    engine: trino
    port: ${trinoPort}
`,
    'models/gold/pairs.sql': 'select n,\n  list_value(n, 1) as pair\nfrom (values (1), (2)) as t(n)\n',
    '.vscode/settings.json': JSON.stringify({ 'medallion.target': 'cluster' }),
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

describe('Medallion on a Trino target (code-server)', { timeout: 10 * 60_000 }, () => {
  let session: Session | undefined;
  let wb: Workbench;
  let workspace: string;

  before(async () => {
    workspace = path.join(mkdtempSync(path.join(tmpdir(), 'medallion-ws-')), 'on_trino');
    writeProject(workspace, await freePort());
    session = await openSession('e2e-trino', workspace);
    wb = session.wb;
  });

  after(async () => {
    await session?.close();
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
