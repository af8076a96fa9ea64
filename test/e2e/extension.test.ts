// The extension in a real VS Code (code-server + Chromium): install the .vsix, open a copy of
// sample-workspace, then diagnostics, completion, Build Pipeline, Preview Data and the lineage graph.
// Screenshots go to test-artifacts/e2e/. Every wait is for UI state, bounded by a generous timeout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startCodeServer, type CodeServer } from './codeServer.js';
import { copySample, removeSample } from './sample.js';
import { ensureVsix, ROOT } from './vsix.js';
import { Workbench } from './workbench.js';

const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e');
const RUN_TIMEOUT = 180_000;

let server: CodeServer | undefined;
let wb: Workbench;
let workspace: string;
const read = (relative: string) => readFileSync(path.join(workspace, relative), 'utf8');

/** Runs a step; on failure saves a screenshot named after it before rethrowing. */
async function step(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
    await wb.screenshot(name);
  } catch (err) {
    await wb?.screenshot(`${name}-failed`).catch(() => undefined);
    throw err;
  }
}

describe('Medallion in VS Code (code-server)', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const vsix = ensureVsix();
    workspace = copySample();
    server = await startCodeServer(vsix, path.join(ARTIFACTS, 'code-server.log'));
    wb = await Workbench.open(server.url, workspace, ARTIFACTS);
  });

  after(async () => {
    await wb?.close();
    await server?.stop(path.join(ARTIFACTS, 'vscode-logs'));
    if (workspace) removeSample(workspace);
  });

  test('the installed extension activates and shows the project in the status bar', async () => {
    await step('activated', async () => {
      const item = wb.page.locator('.statusbar-item', { hasText: 'web_analytics' });
      await item.waitFor({ timeout: 60_000 });
      await wb.page.locator('.statusbar-item', { hasText: /web_analytics\s+\d+ models/ }).waitFor({ timeout: 60_000 });
      assert.match(await item.innerText(), /web_analytics\s+[1-9]\d* models/);
    });
  });

  test('breaking a contract shows a diagnostic as you type, and fixing it clears it', async () => {
    await step('contract-diagnostic', async () => {
      await wb.openFile('models/silver/events.sql');
      // `upper(country) as country_code`: renaming the alias drops a contracted column.
      await wb.select(read('models/silver/events.sql'), 'country_code');
      await wb.page.keyboard.type('country_iso');
      const problem = await wb.waitForProblem(/country_code/);
      assert.match(problem, /country_code/);
    });
    await wb.command('File: Revert File');
    await wb.page.locator('.markers-panel .monaco-list-row', { hasText: /country_code/ }).first().waitFor({ state: 'detached', timeout: 60_000 });
  });

  test('completes a ref with the name of a model', async () => {
    await step('ref-completion', async () => {
      await wb.openFile('models/gold/top_pages.sql');
      const lines = read('models/gold/top_pages.sql').split('\n');
      await wb.goTo(lines.length, 1);
      await wb.page.keyboard.type("{{ ref('ses");
      const row = wb.page.locator('.suggest-widget .monaco-list-row', { hasText: 'sessions' }).first();
      if (!(await row.isVisible())) await wb.page.keyboard.press('Control+Space');
      await row.waitFor({ timeout: 30_000 });
      await wb.screenshot('ref-completion-list');
      await row.click();
      await wb.page.locator('.suggest-widget').waitFor({ state: 'hidden' });
      assert.match(await wb.editorText(), /ref\('sessions'/);
    });
    await wb.command('File: Revert File');
  });

  test('Show Compiled SQL renders refs and follows edits to the model', async () => {
    await step('compiled-sql', async () => {
      await wb.openFile('models/gold/daily_active_users.sql');
      await wb.command('Medallion: Show Compiled SQL');
      const compiled = wb.page.locator('.editor-group-container', { has: wb.page.locator('.tab.active', { hasText: 'daily_active_users (compiled).sql' }) }).locator('.view-lines');
      await compiled.filter({ hasText: /"events"/ }).waitFor({ timeout: 30_000 });
      assert.doesNotMatch(await compiled.innerText(), /ref\(/);
      await wb.openFile('models/gold/daily_active_users.sql');
      await wb.select(read('models/gold/daily_active_users.sql'), "ref('events')");
      await wb.page.keyboard.type("ref('sessions')");
      await compiled.filter({ hasNotText: /"events"/ }).waitFor({ timeout: 30_000 });
      assert.doesNotMatch(await compiled.innerText(), /"events"/);
    });
    await wb.openFile('models/gold/daily_active_users.sql');
    await wb.command('File: Revert File');
  });

  test('Build Pipeline runs every model and shows the run results', { timeout: RUN_TIMEOUT + 60_000 }, async () => {
    await step('build-results', async () => {
      await wb.command('Medallion: Build Pipeline');
      const view = await wb.webview('runResults');
      await view.locator('#app[data-state="success"], #app[data-state="error"], #app[data-state="cancelled"]').waitFor({ timeout: RUN_TIMEOUT });
      const statuses = Object.fromEntries(await view.locator('tr[data-node]').evaluateAll((rows) =>
        rows.map((r) => [r.getAttribute('data-node'), r.getAttribute('data-status')])));
      for (const model of ['model.events', 'model.sessions', 'model.daily_active_users', 'model.top_pages']) {
        assert.equal(statuses[model], 'success', `${model}: ${statuses[model]}`);
      }
      assert.equal(await view.locator('#app').getAttribute('data-state'), 'success', await view.locator('[data-testid=run-summary]').innerText());
    });
  });

  test('Preview Data shows the rows of a model in the results grid', async () => {
    await step('preview-grid', async () => {
      await wb.openFile('models/gold/daily_active_users.sql');
      await wb.command('Medallion: Preview Data');
      const grid = await wb.webview('grid');
      await grid.locator('[role=row][aria-rowindex="1"]').waitFor({ timeout: 60_000 });
      const headers = await grid.locator('[role=columnheader]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-column')));
      assert.deepEqual(headers.slice(0, 3), ['activity_date', 'active_users', 'mobile_users']);
      const first = await grid.locator('[role=row][aria-rowindex="1"] [role=gridcell]').allInnerTexts();
      assert.match(first[0], /^\d{4}-\d{2}-\d{2}/);
      assert.ok(Number(first[1]) > 0, `active_users of the first day: ${first[1]}`);
      assert.match(await grid.locator('[data-testid=stats]').innerText(), /^[1-9]\d*\+? rows? · /);
      // Sort by active_users, descending (the second click), and read the top value back.
      const column = async (i: number) => (await grid.locator(`[role=row][aria-rowindex] [role=gridcell]:nth-child(${i + 2})`).allInnerTexts()).map(Number);
      const users = await column(1);
      const header = grid.locator('[role=columnheader][data-column="active_users"]');
      await header.click();
      await grid.locator('[role=columnheader][data-column="active_users"][aria-sort="ascending"]').waitFor();
      await header.click();
      await grid.locator('[role=columnheader][data-column="active_users"][aria-sort="descending"]').waitFor();
      assert.deepEqual(await column(1), [...users].sort((a, b) => b - a));
      // Copy as CSV goes through the extension to the clipboard.
      await grid.locator('[data-testid=copy-csv]').click();
      await wb.page.locator('.statusbar-item', { hasText: `copied ${users.length} rows as CSV` }).waitFor();
      const csv = await wb.page.evaluate(() => navigator.clipboard.readText());
      assert.match(csv, /^activity_date,active_users,mobile_users,/);
      assert.equal(csv.trim().split(/\r?\n/).length, users.length + 1);
    });
  });

  test('Save as unit test on a preview adds the unit test to the model\'s YAML', async () => {
    await step('save-unit-test', async () => {
      await wb.openFile('models/gold/daily_active_users.sql');
      await wb.command('Medallion: Preview Data');
      const grid = await wb.webview('grid');
      await grid.locator('[role=row][aria-rowindex="1"]').waitFor({ timeout: 60_000 });
      await grid.locator('[data-testid=save-unit-test]').click();
      const status = grid.locator('[data-testid=save-status]', { hasText: /^Saved unit test daily_active_users_from_preview in models\/gold\/_gold\.yml/ });
      await status.waitFor({ timeout: 60_000 });
      assert.match(await status.innerText(), /10 rows of ref\('events'\), 10 rows of ref\('sessions'\)/);
      // The YAML is open at the new entry, and saved: the documented models stay as they were.
      await wb.page.locator('.editor-group-container.active .tab.active', { hasText: '_gold.yml' }).waitFor({ timeout: 30_000 });
      const yaml = read('models/gold/_gold.yml');
      assert.match(yaml, /^unit_tests:\n {2}- name: daily_active_users_from_preview\n {4}model: daily_active_users\n/m);
      assert.match(yaml, /^ {4}given:\n {6}- input: ref\('events'\)\n {8}rows:\n {10}- \{ /m);
      assert.ok(yaml.startsWith(readFileSync(path.join(ROOT, 'sample-workspace/models/gold/_gold.yml'), 'utf8')), 'the rest of the file is unchanged');
      assert.match(await wb.editorText(), /daily_active_users_from_preview/);
    });
  });

  test('the results grid renders only the visible part of a long result', async () => {
    await step('preview-virtualized', async () => {
      await wb.openFile('models/silver/events.sql');
      await wb.command('Medallion: Preview Data');
      const grid = await wb.webview('grid');
      await grid.locator('[data-testid=stats]', { hasText: /^100\+ rows · / }).waitFor({ timeout: 60_000 });
      const rendered = await grid.locator('[role=row][aria-rowindex]').count();
      assert.ok(rendered > 0 && rendered < 100, `${rendered} of 100 rows in the DOM`);
      await grid.locator('[data-testid=grid]').evaluate((el) => { el.scrollTop = el.scrollHeight; });
      await grid.locator('[role=row][aria-rowindex="100"]').waitFor();
      assert.equal(await grid.locator('[role=row][aria-rowindex="1"]').count(), 0);
    });
  });

  test('Preview Data on selected SQL runs just the selection', async () => {
    await step('preview-selection', async () => {
      writeFileSync(path.join(workspace, 'scratch.sql'), '-- ad hoc\nselect count(*) as n_events from events where false\n');
      await wb.openFile('scratch.sql');
      await wb.select(read('scratch.sql'), 'select count(*) as n_events from events');
      await wb.command('Medallion: Preview Data');
      const grid = await wb.webview('grid');
      await grid.locator('[role=columnheader][data-column="n_events"]').waitFor({ timeout: 60_000 });
      const cells = await grid.locator('[role=row][aria-rowindex="1"] [role=gridcell]').allInnerTexts();
      // The whole line would count nothing (`where false`): only the selection ran.
      assert.ok(Number(cells[0]) > 0, `n_events: ${cells[0]}`);
    });
  });

  test('Show Lineage draws bronze, silver and gold with column lineage', async () => {
    await step('lineage-graph', async () => {
      await wb.openFile('models/gold/daily_active_users.sql');
      await wb.command('Medallion: Show Lineage');
      const view = await wb.webview('lineage');
      await view.locator('#app[data-state="ready"]').waitFor({ timeout: 60_000 });
      const nodes = await view.locator('g.node').evaluateAll((els) => els.map((e) => e.getAttribute('data-node')));
      for (const id of ['model.events', 'model.sessions', 'model.daily_active_users']) assert.ok(nodes.includes(id), `${id} in ${nodes.join(', ')}`);
      assert.ok(nodes.some((id) => id?.startsWith('source.')), 'a bronze source is drawn');
      const lanes = await view.locator('g.lane').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
      assert.deepEqual(lanes, ['bronze', 'silver', 'gold']);
      await view.locator('g.node[data-node="model.daily_active_users"] g.column[data-column="active_users"]').click();
      await view.locator('g.column.lit').nth(1).waitFor();
      assert.match(await view.locator('[data-testid=lineage-info]').innerText(), /active_users: [1-9]\d* related column/);
      // A model's name opens its file.
      await view.locator('g.node[data-node="model.sessions"] text.name').click();
      await wb.page.locator('.tab.active', { hasText: 'sessions.sql' }).first().waitFor();
    });
  });

  test('a failing model shows its error in the run results, linked to the file and line', async () => {
    const file = 'models/gold/top_pages.sql';
    await step('run-error', async () => {
      await wb.openFile(file);
      await wb.select(read(file), 'r.page_views,');
      await wb.page.keyboard.type('r.page_viewz,');
      await wb.save();
      const line = read(file).split('\n').findIndex((l) => l.includes('page_viewz')) + 1;
      assert.ok(line > 0, 'the edit was saved');
      await wb.command('Medallion: Run Model');
      const view = await wb.webview('runResults');
      await view.locator('#app[data-state="error"]').waitFor({ timeout: RUN_TIMEOUT });
      assert.equal(await view.locator('tr[data-node="model.top_pages"]').getAttribute('data-status'), 'error');
      const link = view.locator('[data-testid=error-location]').first();
      assert.match(await link.innerText(), new RegExp(`^models/gold/top_pages\\.sql:${line}:\\d+$`));
      // A click can land while the webview is still taking focus (seen on a loaded machine): click again
      // until the editor opens, a few times at most.
      const tab = wb.page.locator('.editor-group-container.active .tab.active', { hasText: 'top_pages.sql' });
      for (let attempt = 1; ; attempt++) {
        await link.click();
        const opened = await tab.waitFor({ timeout: 10_000 }).then(() => true, () => false);
        if (opened) break;
        assert.ok(attempt < 3, 'the error link opened the model');
      }
      await wb.page.locator('.statusbar-item', { hasText: new RegExp(`^Ln ${line}, Col \\d+`) }).waitFor();
    });
    await wb.openFile(file);
    await wb.select(read(file), 'r.page_viewz,');
    await wb.page.keyboard.type('r.page_views,');
    await wb.save();
  });

  test('Ingest Files lands a file in the bronze zone of the lake', async () => {
    await step('ingest', async () => {
      const event = { event_id: 'e2e-1', user_id: 100011, session_id: 's_e2e', action: 'page_view', page: '/', country: 'US', device: 'desktop', ts: '2026-01-04T10:00:00.000Z' };
      mkdirSync(path.join(workspace, 'incoming'));
      writeFileSync(path.join(workspace, 'incoming', 'late.json'), JSON.stringify(event) + '\n');
      await wb.command('Medallion: Ingest Files', { asksMore: true });
      // code-server's file dialog is a quick input holding a path.
      const input = wb.page.locator('.quick-input-widget input');
      const accept = wb.page.locator('.quick-input-widget .monaco-button', { hasText: 'Ingest' });
      await accept.waitFor();
      // The dialog fills in its start folder once it has listed it; type over it only then.
      await wb.page.waitForFunction((root) => document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value === `${root}/`, workspace);
      await input.fill(path.join(workspace, 'incoming', 'late.json'));
      await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'late.json' }).first().waitFor();
      await accept.click();
      await wb.page.locator('.quick-input-widget', { hasText: 'Ingest into which bronze source?' }).waitFor();
      await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'app_logs' }).first().click();
      await wb.page.locator('.notification-toast', { hasText: 'ingested 1 file(s) into app_logs' }).waitFor({ timeout: 60_000 });
      const landed = readdirSync(path.join(workspace, 'lake', 'bronze', 'app_logs'), { recursive: true }).map(String);
      assert.ok(landed.some((f) => /day=04/.test(f) && f.endsWith('.json')), landed.join(', '));
    });
  });
});
