/**
 * Running a tree row's context-menu entry the way a user does: right-click, click the entry. The
 * workbench ignores a click that lands while the menu is still opening (so the entry is clicked
 * until the menu closes), and on a loaded machine a menu can close without running its entry (seen
 * in CI: nothing ran, no notification), or a right-click can show no menu offering the entry (seen
 * once in CI, on a running job's row just after a JSON editor opened, while the workbench was still
 * activating extensions). So the entry is run again, up to `attempts` times in all, while the menu
 * does not offer it or `ran` does not see its effect. An entry the row's menu never offers, or a
 * command that never has that effect, still fails, saying what the menu showed.
 */
import type { Locator } from 'playwright-core';
import { waitFor } from './wait';
import type { Workbench } from './workbench';

/** Right-clicks `row` and clicks `entry` until the menu closes. */
export async function clickMenuEntry(wb: Workbench, row: Locator, entry: string): Promise<void> {
  await row.click({ button: 'right' });
  const item = wb.page.locator('.context-view .action-item', { hasText: entry });
  try {
    await item.waitFor({ state: 'visible', timeout: 10_000 });
  } catch (err) {
    // Say what the menu showed instead (no menu at all: the right-click was lost), and close it.
    const shown = (await wb.page.locator('.context-view .action-item').allInnerTexts().catch(() => [])).map((t) => t.trim()).filter(Boolean);
    await wb.page.keyboard.press('Escape').catch(() => undefined);
    throw new Error(`no "${entry}" in the context menu (${shown.length > 0 ? `it showed: ${shown.join(' | ')}` : 'no menu opened'})`, { cause: err });
  }
  await waitFor(async () => {
    if (await item.isVisible()) await item.click({ timeout: 2000 }).catch(() => undefined);
    return !(await item.isVisible());
  }, { timeoutMs: 15_000, intervalMs: 500, what: `${entry} to run` });
}

/**
 * Runs `entry` from `row`'s context menu until `ran` returns a value (waited for `timeoutMs` after
 * each run), and returns that value; fails after `attempts` runs with no effect.
 */
export async function runMenuEntry<T>(
  wb: Workbench,
  row: Locator,
  entry: string,
  ran: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { what: string; timeoutMs?: number; attempts?: number },
): Promise<T> {
  const attempts = opts.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      await clickMenuEntry(wb, row, entry);
      return await waitFor(ran, { timeoutMs: opts.timeoutMs ?? 20_000, intervalMs: 250, what: opts.what });
    } catch (err) {
      if (attempt >= attempts) throw new Error(`${(err as Error).message} (after running "${entry}" ${attempts} times; screenshot: ${await wb.screenshot(`menu-${entry.replace(/\W+/g, '-')}`)})`, { cause: err });
      console.log(`      (attempt ${attempt} of "${entry}": ${(err as Error).message})`);
    }
  }
}
