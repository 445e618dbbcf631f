/**
 * What the Local view redraws of a run after it ended.
 *
 * VS Code drops a redraw of a row it is still listing (its main thread refreshes only the items it
 * holds), so a run that just ended is redrawn on the next ticks (SETTLE_TICKS) as well.
 *
 * Each redraw of a run row makes the extension host forget the run's child rows until VS Code has
 * listed them again. An array job's row expanded in that window is answered "no children" (the
 * extension host logs "No tree item with id … found"), and VS Code keeps that answer: collapsing and
 * expanding the row does not ask again, so it stayed open and empty until a Refresh. Redraws while
 * the run goes on mend it on the next tick; after the run's last redraw nothing would. So one tick
 * later the array job rows VS Code was last given are redrawn themselves: an expanded one is listed
 * again, a collapsed one only forgets its children. Redrawing a job row leaves its own handle known,
 * so this redraw opens no such window.
 */
import type { JobNode } from './jobNodes';

/** Ticks that redraw a run after it ended, before the one that redraws its array job rows. */
export const SETTLE_TICKS = 2;

/** An array job's row (it has children), not one of its children's. */
export function isArrayParent(n: { kind: string }): n is JobNode {
  const props = n.kind === 'job' ? (n as JobNode).job.arrayProperties : undefined;
  return props?.size !== undefined && props.index === undefined;
}

export class RunSettle {
  /** Runs that ended, with the ticks left (the last one redraws their array job rows). */
  private readonly left = new Map<string, number>();
  /** Each run's array job rows as VS Code was last given them (the very objects: a redraw names those). */
  private readonly arrayRows = new Map<string, JobNode[]>();

  /** The run ended (or changed after it ended): its redraws start again. */
  ended(runId: string): void {
    this.left.set(runId, SETTLE_TICKS + 1);
  }

  /** VS Code was given `children` as the rows of run `runId`. */
  listed(runId: string, children: ReadonlyArray<{ kind: string }>): void {
    const rows = children.filter(isArrayParent);
    if (rows.length > 0) this.arrayRows.set(runId, rows);
    else this.arrayRows.delete(runId);
  }

  /** The run still gets a run-row redraw on this tick. */
  redrawsRun(runId: string): boolean {
    return (this.left.get(runId) ?? 0) > 1;
  }

  /**
   * One tick passed: the array job rows to redraw now (those of the runs on their last tick), and
   * every count moves on.
   */
  tick(): JobNode[] {
    const rows: JobNode[] = [];
    for (const [id, left] of this.left) {
      if (left <= 1) {
        this.left.delete(id);
        rows.push(...(this.arrayRows.get(id) ?? []));
      } else this.left.set(id, left - 1);
    }
    return rows;
  }

  /** Only the runs in `shown` are kept. */
  keep(shown: ReadonlySet<string>): void {
    for (const id of this.arrayRows.keys()) if (!shown.has(id)) this.arrayRows.delete(id);
    for (const id of this.left.keys()) if (!shown.has(id)) this.left.delete(id);
  }
}
