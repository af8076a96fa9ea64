// Workspace trust in a real VS Code (code-server with trust on): in Restricted Mode the extension
// activates, refuses Build Pipeline with a way to trust, and trusting turns on contract diagnostics
// without a reload. Screenshots go to test-artifacts/e2e-trust/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { copySample, removeSample } from './sample.js';
import { openSession, type Session } from './session.js';
import type { Workbench } from './workbench.js';

describe('Medallion in Restricted Mode (code-server)', { timeout: 10 * 60_000 }, () => {
  let session: Session | undefined;
  let wb: Workbench;
  let workspace: string;

  before(async () => {
    workspace = copySample();
    session = await openSession('e2e-trust', workspace, { restricted: true });
    wb = session.wb;
  });

  after(async () => {
    await session?.close();
    if (workspace) removeSample(workspace);
  });

  test('Build Pipeline is refused until the workspace is trusted; trusting turns on contract diagnostics', async () => {
    try {
      await wb.page.locator('.statusbar-item', { hasText: /web_analytics\s+\d+ models/ }).waitFor({ timeout: 60_000 });
      await wb.command('Medallion: Build Pipeline');
      const toast = wb.page.locator('.notification-toast', { hasText: 'this workspace is not trusted' });
      await toast.waitFor();
      await wb.screenshot('refused');
      await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).click();
      await wb.page.locator('.workspace-trust-buttons-row .monaco-button', { hasText: /^Trust/ }).first().click();
      // The trust editor opens as a modal: close it once it says the folder is trusted.
      await wb.page.getByText('You trust this folder').click();
      await wb.page.keyboard.press('Escape');
      await wb.page.locator('.monaco-modal-editor-block').waitFor({ state: 'detached' });
      // `upper(country) as country_code`: renaming the alias drops a contracted column.
      await wb.openFile('models/silver/events.sql');
      await wb.select(readFileSync(path.join(workspace, 'models/silver/events.sql'), 'utf8'), 'country_code');
      await wb.page.keyboard.type('country_iso');
      assert.match(await wb.waitForProblem(/country_code/), /country_code/);
      await wb.screenshot('trusted');
    } catch (err) {
      await wb?.screenshot('failed').catch(() => undefined);
      throw err;
    }
  });
});
