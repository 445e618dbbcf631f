/**
 * What the Local view must redraw when the runs are re-read (on job events): the whole tree only
 * when the list of runs itself changed (a run started, or the error or "Load more" row came or
 * went); otherwise just the runs whose data changed, so an unchanged run of 10,000 jobs is neither
 * listed again nor sent to VS Code again. A finished job's details are cached by the lister (the
 * same object every time), so comparing jobs by identity finds the changed runs cheaply. Pure.
 */
import type { Run } from '../../model/runs';

/** The top of the runs list as shown: run ids in order, and whether an error or "Load more" row shows. */
export interface RunsShape {
  readonly ids: readonly string[];
  readonly error: boolean;
  readonly more: boolean;
}

export function sameShape(a: RunsShape, b: RunsShape): boolean {
  return a.error === b.error && a.more === b.more && a.ids.length === b.ids.length && a.ids.every((id, i) => id === b.ids[i]);
}

const sameList = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether a run's row and jobs show the same (jobs compared by identity: a re-described job counts as changed). */
export function sameRun(a: Run<object>, b: Run<object>): boolean {
  return a === b || (a.id === b.id && a.name === b.name && a.source === b.source && a.tagged === b.tagged && a.status === b.status
    && a.createdAt === b.createdAt && a.startedAt === b.startedAt && a.stoppedAt === b.stoppedAt
    && sameList(a.jobs, b.jobs) && sameList(a.replaced, b.replaced));
}

/**
 * `root`: redraw everything (the list changed); else `changed`: the ids of the shown runs whose
 * data differs in `next`.
 */
export function runChanges<R extends Run<object>>(shownShape: RunsShape, shown: ReadonlyMap<string, R>, nextShape: RunsShape, next: readonly R[]): { root: boolean; changed: R[] } {
  if (!sameShape(shownShape, nextShape)) return { root: true, changed: [] };
  const changed = next.filter((run) => {
    const old = shown.get(run.id);
    return old === undefined || !sameRun(old, run);
  });
  return { root: false, changed };
}

/** A row at the top of the Local view, as topRedraw sees it. */
export interface TopRow {
  readonly id: string;
  readonly kind: string;
  readonly empty?: boolean;
}

/**
 * What a Refresh redraws once the top rows are read again (the pipeline groups are redrawn
 * already): `all` when the rows are not the ones shown (or one is an error), else each row that can
 * change (not "Load more" nor the empty hint), except the runs `keep` says are unchanged.
 */
export function topRedraw<R extends TopRow>(shown: readonly string[] | undefined, rows: readonly R[], keep: (run: R) => boolean): 'all' | R[] {
  const same = shown !== undefined && shown.length === rows.length && rows.every((n, i) => n.id === shown[i]);
  if (!same || rows.some((n) => n.kind === 'sfnError' || (n.kind === 'error' && !n.empty))) return 'all';
  return rows.filter((n) => n.kind !== 'pipeline' && n.kind !== 'more' && n.kind !== 'error' && !(n.kind === 'run' && keep(n)));
}
