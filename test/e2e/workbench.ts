// Drives the code-server workbench with playwright-core and Debian's Chromium: commands, files,
// the editor, the Problems panel and the extension's webviews. Every wait is for UI state.
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'];

export class Workbench {
  private constructor(readonly browser: Browser, readonly page: Page, readonly artifacts: string, readonly console: string[]) {}

  static async open(url: string, folder: string, artifacts: string): Promise<Workbench> {
    mkdirSync(artifacts, { recursive: true });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    const page = await context.newPage();
    const messages: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') messages.push(`[${m.type()}] ${m.text()}`); });
    page.setDefaultTimeout(30_000);
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench');
    return new Workbench(browser, page, artifacts, messages);
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(this.artifacts, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Opens Quick Open from the title bar's command center: a click works wherever the focus is,
   * while key presses would go to a focused webview's iframe.
   */
  private async quickInput(value: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await this.page.locator('.command-center-center').click();
    await input.waitFor({ state: 'visible' });
    await input.fill(value);
  }

  /**
   * Runs a command from the palette by its exact title, e.g. 'Medallion: Preview Data'. With
   * `asksMore`, the command goes on to ask in the same quick input (a pick, a file dialog).
   */
  async command(title: string, { asksMore = false } = {}): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await this.quickInput(`>${title}`);
    const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exact }) }).first();
    await row.click();
    if (asksMore) await row.waitFor({ state: 'detached' });
    else await input.waitFor({ state: 'hidden' });
  }

  /** Opens a workspace file by its relative path through Quick Open, in the first editor group. */
  async openFile(relative: string): Promise<void> {
    const name = path.posix.basename(relative);
    await this.command('View: Focus First Editor Group');
    await this.quickInput(relative);
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.editor-group-container.active .tab.active', { hasText: name }).waitFor();
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
  }

  /** The active text editor's visible text (Monaco renders spaces as non-breaking spaces). */
  async editorText(): Promise<string> {
    const text = await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().innerText();
    return text.replace(/\u00a0/g, ' ');
  }

  /** Saves the active editor and waits until its tab is no longer dirty. */
  async save(): Promise<void> {
    await this.command('File: Save');
    await this.page.locator('.editor-group-container.active .tab.active.dirty').waitFor({ state: 'detached' });
  }

  /** Moves the cursor of the active editor to a 1-based line and column (Quick Open's `:line:column`). */
  async goTo(line: number, column: number): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await this.quickInput(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    await this.page.locator('.statusbar-item', { hasText: `Ln ${line}, Col ${column}` }).waitFor();
  }

  /** Selects `text` at its first occurrence in `fileText` (the active editor's content). */
  async select(fileText: string, text: string): Promise<void> {
    const offset = fileText.indexOf(text);
    if (offset < 0) throw new Error(`${JSON.stringify(text)} is not in the file`);
    const before = fileText.slice(0, offset).split('\n');
    await this.goTo(before.length, before[before.length - 1].length + 1);
    for (let i = 0; i < text.length; i++) await this.page.keyboard.press('Shift+ArrowRight');
    await this.page.locator('.statusbar-item', { hasText: `(${text.length} selected)` }).waitFor();
  }

  /** Messages in the Problems panel. */
  async problems(): Promise<string[]> {
    return this.page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  }

  /** Waits for a Problems entry matching `pattern`, opening the panel first. */
  async waitForProblem(pattern: RegExp, timeout = 60_000): Promise<string> {
    await this.command('View: Focus Problems (Errors, Warnings, Infos)');
    const row = this.page.locator('.markers-panel .monaco-list-row', { hasText: pattern }).first();
    await row.waitFor({ timeout });
    return row.innerText();
  }

  /**
   * The frame of one of the extension's webviews, found by the view name its page declares
   * (`<div id="app" data-view="grid">`): webviews live two iframes deep and carry no title.
   */
  async webview(view: 'grid' | 'runResults' | 'lineage', timeout = 60_000): Promise<Frame> {
    const deadline = Date.now() + timeout;
    for (;;) {
      for (const frame of this.page.frames()) {
        const found = await frame.$(`#app[data-view="${view}"]`).then((el) => el !== null, () => false);
        if (found) return frame;
      }
      if (Date.now() > deadline) throw new Error(`no ${view} webview within ${timeout} ms`);
      await this.page.waitForTimeout(200); // poll interval while webviews load, not a wait for time to pass
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
