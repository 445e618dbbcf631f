/**
 * Reading the workbench's tree views, status bar and notifications as plain data: rows of a view
 * (label, description, aria label, level, expanded state), expanding rows, the status bar's text.
 */
import type { Locator } from 'playwright-core';
import type { Workbench } from './workbench';
import { waitFor } from './wait';

export interface TreeRow {
  readonly label: string;
  readonly description: string;
  readonly ariaLabel: string;
  readonly level: number;
  /** undefined for leaves. */
  readonly expanded: boolean | undefined;
}

/**
 * Whether a run row's progress says all `total` jobs are done: "2/2 · 3s · 10:04", also when some
 * failed ("2/2 · 2 failed · …"). Pair it with `assertRunSucceeded`.
 */
export function runFinished(row: TreeRow | undefined, total: number): boolean {
  return row !== undefined && row.description.startsWith(`${total}/${total} · `);
}

/** Fails unless the finished run row says none of its jobs failed (no "N failed" in its progress). */
export function assertRunSucceeded(row: TreeRow): void {
  if (/\bfailed\b/.test(row.description)) throw new Error(`run ${row.label} finished with failed jobs: ${row.description}`);
}

/** The side-bar pane of the view titled `title` (e.g. "Local"). */
export function viewPane(wb: Workbench, title: string): Locator {
  return wb.page.locator('.part.sidebar .pane').filter({
    has: wb.page.locator('.pane-header h3.title', { hasText: new RegExp(`^\\s*${title}\\s*$`, 'i') }),
  }).first();
}

/** Expands the pane of a view when it is collapsed. */
export async function expandView(wb: Workbench, title: string): Promise<Locator> {
  const pane = viewPane(wb, title);
  const header = pane.locator('.pane-header').first();
  await header.waitFor({ state: 'visible', timeout: 15_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  await waitFor(async () => (await header.getAttribute('aria-expanded')) !== 'false', { timeoutMs: 10_000, what: `the ${title} view to expand` });
  return pane;
}

/** The rows the view currently renders. */
export async function treeRows(wb: Workbench, title: string): Promise<TreeRow[]> {
  // No named functions inside evaluate callbacks: tsx's keepNames would reference a missing __name.
  return viewPane(wb, title).locator('.pane-body .monaco-list-row').evaluateAll((rows) => rows.map((r) => ({
    label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
    description: r.querySelector('.label-description')?.textContent?.trim() ?? '',
    ariaLabel: r.getAttribute('aria-label') ?? '',
    level: Number(r.getAttribute('aria-level') ?? 0),
    expanded: r.getAttribute('aria-expanded') === null ? undefined : r.getAttribute('aria-expanded') === 'true',
  })));
}

/** Waits until the view's rows satisfy `probe`; the error names the last rows seen. */
export async function waitForRows<T>(wb: Workbench, title: string, probe: (rows: TreeRow[]) => T | undefined | false,
  what: string, timeoutMs = 60_000): Promise<T> {
  let last: TreeRow[] = [];
  return waitFor(async () => probe((last = await treeRows(wb, title))), { timeoutMs, intervalMs: 300, what })
    .catch((err: Error) => {
      throw new Error(`${err.message}; ${title} view rows: ${JSON.stringify(last.map((r) => `${'  '.repeat(r.level)}${r.label} | ${r.description}`))}`);
    });
}

/** Expands every collapsed row whose label matches `label` (clicking its twistie). */
export async function expandRows(wb: Workbench, title: string, label: RegExp): Promise<void> {
  const rows = viewPane(wb, title).locator('.pane-body .monaco-list-row[aria-expanded="false"]');
  for (let i = (await rows.count()) - 1; i >= 0; i--) {
    const row = rows.nth(i);
    if (label.test((await row.locator('.label-name').textContent()) ?? '')) await row.locator('.monaco-tl-twistie').click();
  }
}

/**
 * Expands the row labelled exactly `label` at `level` and waits until the tree says it is expanded.
 * A click can land while the list re-renders (a group above gaining rows) and be lost, so the
 * twistie is clicked again while the row still says collapsed.
 */
export async function expandRow(wb: Workbench, title: string, label: string, level: number, timeoutMs = 15_000): Promise<void> {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const row = viewPane(wb, title).locator(`.pane-body .monaco-list-row[aria-level="${level}"]`, { has: wb.page.locator('.label-name', { hasText: new RegExp(`^${escaped}$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  let clickedAt = 0;
  await waitFor(async () => {
    const state = await row.getAttribute('aria-expanded', { timeout: 2_000 });
    if (state === 'true') return true;
    if (state === 'false' && Date.now() - clickedAt > 2_000) {
      await row.locator('.monaco-tl-twistie').click({ timeout: 2_000 });
      clickedAt = Date.now();
    }
    return false;
  }, { timeoutMs, intervalMs: 200, what: `the ${title} view's row ${label} (level ${level}) to expand` });
}

/** The status bar's entries' texts (icons dropped). */
export async function statusBarTexts(wb: Workbench): Promise<string[]> {
  return wb.page.locator('.part.statusbar .statusbar-item').evaluateAll((items) =>
    items.map((i) => (i.getAttribute('aria-label') || i.textContent || '').trim()).filter(Boolean));
}

/** Waits for a status-bar entry matching `pattern`; returns its text. */
/** The status-bar entry of a running emulator. */
export const EMULATOR_RUNNING = /vm-running\s+LocalBatch/;

/** Trusts the workspace, opens the LocalBatch container with the Local view expanded, and starts the emulator from the palette. */
export async function startEmulatorInLocalView(wb: Workbench): Promise<void> {
  await wb.answerTrustDialog('trust');
  await wb.openViewContainer('LocalBatch');
  await expandView(wb, 'Local');
  await wb.runCommand('LocalBatch: Start Emulator');
  await waitForStatusBar(wb, EMULATOR_RUNNING, 60_000);
}

export async function waitForStatusBar(wb: Workbench, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  let last: string[] = [];
  return waitFor(async () => (last = await statusBarTexts(wb)).find((t) => pattern.test(t)), { timeoutMs, intervalMs: 250, what: `a status-bar entry matching ${pattern}` })
    .catch((err: Error) => {
      throw new Error(`${err.message}; status bar: ${JSON.stringify(last)}`);
    });
}

/** Texts of the notification toasts and the notification center. */
export async function notificationTexts(wb: Workbench): Promise<string[]> {
  return wb.page.locator('.notifications-toasts .notification-list-item, .notifications-center .notification-list-item').evaluateAll((items) =>
    items.map((i) => (i.getAttribute('aria-label') || i.textContent || '').trim()));
}

/** Waits for a notification matching `pattern`; returns its text. */
export async function waitForNotification(wb: Workbench, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  let last: string[] = [];
  return waitFor(async () => (last = await notificationTexts(wb)).find((t) => pattern.test(t)), { timeoutMs, intervalMs: 250, what: `a notification matching ${pattern}` })
    .catch((err: Error) => {
      throw new Error(`${err.message}; notifications: ${JSON.stringify(last)}`);
    });
}
