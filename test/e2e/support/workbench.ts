/**
 * The VS Code workbench in Debian's Chromium, driven by playwright-core: open a folder, answer the
 * workspace-trust dialog, run palette commands, read the Problems panel, find views, screenshots.
 */
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { appendFileSync } from 'node:fs';
import { CHROMIUM, resultsPath } from './env';
import type { CodeServer } from './code-server';
import { waitFor } from './wait';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

export type TrustAnswer = 'trust' | 'untrust';

export class Workbench {
  private constructor(readonly browser: Browser, readonly page: Page, readonly name: string) {}

  /** Launches Chromium and opens `folder` in the workbench of `server`; waits for the workbench. */
  static async open(server: CodeServer, folder: string, name: string): Promise<Workbench> {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const log = resultsPath(`${name}-browser.log`);
      page.on('console', (m) => { if (m.type() === 'error') appendFileSync(log, `console.error: ${m.text()}\n`); });
      page.on('pageerror', (e) => appendFileSync(log, `pageerror: ${e.message}\n`));
      await page.goto(server.folderUrl(folder), { timeout: 60_000 });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
      return new Workbench(browser, page, name);
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /** The workspace-trust dialog's buttons (it appears once the workbench has restored). */
  private trustButton(answer: TrustAnswer): Locator {
    const label = answer === 'trust' ? /Yes, I trust the authors/ : /No, I don.t trust the authors/;
    return this.page.locator('.monaco-dialog-box').getByRole('button', { name: label });
  }

  /** Waits for the trust dialog and answers it. */
  async answerTrustDialog(answer: TrustAnswer, timeoutMs = 30_000): Promise<void> {
    const button = this.trustButton(answer);
    await button.waitFor({ state: 'visible', timeout: timeoutMs });
    await button.click();
    await this.page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: timeoutMs });
  }

  /** Opens the command palette (F1 until it shows) and types `>text` into it; returns its input. */
  private async typeInPalette(text: string, timeoutMs: number): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget input[type="text"]');
    // The palette can close again right after it opens (focus moving to an editor just opened, or to
    // a webview): open it again until the text is typed into it.
    await waitFor(async () => {
      if (!(await input.isVisible())) await this.page.keyboard.press('F1');
      if (!(await input.isVisible())) return false;
      return input.fill(`>${text}`, { timeout: 2_000 }).then(() => true, () => false);
    }, { timeoutMs, intervalMs: 300, what: 'the command palette' });
    return input;
  }

  /**
   * Types `text` into the palette until `row` shows, and returns the palette's input. Right after a
   * window reload the palette can open with a list that never gets the extension's commands (seen
   * in CI: "Stop Emulator" missing for 15 s): it is closed and typed into again every few seconds.
   * On a timeout the palette's rows are in the error, and a screenshot is saved.
   */
  private async findInPalette(text: string, row: Locator, timeoutMs: number): Promise<Locator> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const left = timeoutMs - (Date.now() - started);
      const input = await this.typeInPalette(text, Math.max(left, 2_000));
      const shown = await row.waitFor({ state: 'visible', timeout: Math.max(1_000, Math.min(5_000, left)) }).then(() => true, () => false);
      if (shown) return input;
      if (Date.now() - started >= timeoutMs) {
        const listed = await this.page.locator('.quick-input-widget .monaco-list-row').allInnerTexts().catch(() => [] as string[]);
        const shot = await this.screenshot(`palette-${text.replace(/[^\w]+/g, '-').slice(0, 40)}`).catch(() => 'none');
        throw new Error(`the palette did not list what was asked for "${text}" within ${timeoutMs} ms (${attempt} tries); it listed ${JSON.stringify(listed.map((t) => t.replace(/\s+/g, ' ').trim()))}; screenshot: ${shot}`);
      }
      // Close it only if it is still open (Escape would otherwise go to whatever has the focus).
      if (await input.isVisible()) {
        await input.press('Escape').catch(() => undefined);
        await input.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
      }
    }
  }

  /** Runs a command from the palette: F1, type its title, Enter on the matching entry. */
  async runCommand(title: string, timeoutMs = 15_000): Promise<void> {
    const input = await this.startCommand(title, timeoutMs);
    await input.waitFor({ state: 'hidden', timeout: timeoutMs });
  }

  /**
   * Chooses a command in the palette without waiting for the palette to close (for a command that
   * opens an input box in its place); returns the quick input's text box. Enter goes to the entry
   * titled exactly `title`, also when another title starting with it is listed first.
   */
  async startCommand(title: string, timeoutMs = 15_000): Promise<Locator> {
    const rows = this.page.locator('.quick-input-widget .monaco-list-row');
    const input = await this.findInPalette(title, rows.filter({ hasText: title }).first(), timeoutMs);
    const labels = await rows.evaluateAll((els) => els
      .map((e) => ({ index: Number(e.getAttribute('data-index')), label: e.querySelector('.label-name')?.textContent?.trim() ?? '' }))
      .sort((a, b) => a.index - b.index)
      .map((r) => r.label));
    for (let i = 0; i < labels.indexOf(title); i++) await input.press('ArrowDown');
    await input.press('Enter');
    return input;
  }

  /**
   * The palette's entries for `filter`, read once it lists `shown` (an entry always offered for that
   * filter, so the list is complete); closes the palette again.
   */
  async paletteEntries(filter: string, shown: string, timeoutMs = 15_000): Promise<string[]> {
    const rows = this.page.locator('.quick-input-widget .monaco-list-row');
    const input = await this.findInPalette(filter, rows.filter({ hasText: shown }).first(), timeoutMs);
    const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    await input.press('Escape');
    return texts;
  }

  /** Opens a workspace file by name through Quick Open (Ctrl+P) and waits for its editor tab. */
  async openFile(name: string, timeoutMs = 15_000): Promise<void> {
    const input = this.page.locator('.quick-input-widget input[type="text"]');
    // Quick Open can close again right after it opens (focus moving to a webview group): open it
    // again until the name is typed into it.
    await waitFor(async () => {
      if (!(await input.isVisible())) await this.page.keyboard.press('Control+P');
      if (!(await input.isVisible())) return false;
      return input.fill(name, { timeout: 2_000 }).then(() => true, () => false);
    }, { timeoutMs, intervalMs: 300, what: `Quick Open with ${name} typed` });
    await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: timeoutMs });
    await input.press('Enter');
    await this.page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Opens the Problems panel and returns its rows' accessible labels (message, source, line). */
  async problems(): Promise<string[]> {
    await this.runCommand('View: Focus Problems');
    const panel = this.page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible', timeout: 15_000 });
    return panel.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
  }

  /** Waits until the Problems panel has a row matching `pattern`; returns all rows. */
  async waitForProblem(pattern: RegExp, timeoutMs = 30_000): Promise<string[]> {
    let rows: string[] = [];
    await waitFor(async () => {
      rows = await this.problems();
      return rows.some((r) => pattern.test(r));
    }, { timeoutMs, intervalMs: 1000, what: `a problem matching ${pattern}` }).catch((err: Error) => {
      throw new Error(`${err.message}; rows: ${JSON.stringify(rows)}`);
    });
    return rows;
  }

  /** Waits until the status bar no longer shows "Activating Extensions...". */
  async waitForExtensionsActivated(timeoutMs = 60_000): Promise<void> {
    const busy = this.page.locator('.part.statusbar', { hasText: 'Activating Extensions' });
    await waitFor(async () => (await busy.count()) === 0, { timeoutMs, intervalMs: 250, what: 'extensions to activate' });
  }

  /** The activity bar entry of a view container, by its title. */
  activityBarItem(title: string): Locator {
    return this.page.locator('.part.activitybar li.action-item').filter({
      has: this.page.locator(`[aria-label^="${title}"]`),
    }).or(this.page.locator(`.part.activitybar li.action-item[aria-label^="${title}"]`)).first();
  }

  /** Clicks a view container in the activity bar and returns the titles of its views. */
  async openViewContainer(title: string, timeoutMs = 30_000): Promise<string[]> {
    const item = this.activityBarItem(title);
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
    const sidebarTitle = this.page.locator('.part.sidebar .composite.title h2');
    if ((await item.getAttribute('aria-selected')) !== 'true' && !(await item.locator('.checked').count())) await item.click();
    await waitFor(async () => (await sidebarTitle.textContent())?.trim().toUpperCase() === title.toUpperCase(),
      { timeoutMs, what: `the ${title} side bar` });
    return this.viewTitles();
  }

  /** Titles of the views shown in the side bar. */
  async viewTitles(): Promise<string[]> {
    const headers = this.page.locator('.part.sidebar .pane-header h3.title');
    return (await headers.allTextContents()).map((t) => t.trim()).filter(Boolean);
  }

  /** Saves a full-page screenshot as test-results/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = resultsPath(`${this.name}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
