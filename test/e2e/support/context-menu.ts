/**
 * Running a tree row's context-menu entry the way a user does: right-click, click the entry. The
 * workbench ignores a click that lands while the menu is still opening (so the entry is clicked
 * until the menu closes), and on a loaded machine a menu can close without running its entry (seen
 * in CI: nothing ran, no notification). So the entry is run again, up to `attempts` times in all,
 * while `ran` does not see its effect; a command that never has that effect still fails.
 */
import type { Locator } from 'playwright-core';
import { waitFor } from './wait';
import type { Workbench } from './workbench';

/** Right-clicks `row` and clicks `entry` until the menu closes. */
export async function clickMenuEntry(wb: Workbench, row: Locator, entry: string): Promise<void> {
  await row.click({ button: 'right' });
  const item = wb.page.locator('.context-view .action-item', { hasText: entry });
  await item.waitFor({ state: 'visible', timeout: 10_000 });
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
    await clickMenuEntry(wb, row, entry);
    try {
      return await waitFor(ran, { timeoutMs: opts.timeoutMs ?? 20_000, intervalMs: 250, what: opts.what });
    } catch (err) {
      if (attempt >= attempts) throw new Error(`${(err as Error).message} (after running "${entry}" ${attempts} times)`, { cause: err });
    }
  }
}
