import assert from 'node:assert/strict';
import { JobSelection, type SelectionSource } from '../../../src/extension/views/jobSelection';

interface Node {
  readonly kind: 'job' | 'run';
  readonly id: string;
  readonly data?: string;
}

const isJob = (x: unknown): x is Node => typeof x === 'object' && x !== null && (x as Node).kind === 'job';

/**
 * A fake tree view: `select` is the user selecting rows (VS Code fires the event); `redraw` is the
 * window after a refresh in which VS Code's handles resolve to no element, so `selection` reads
 * empty with no event; `listed` is the rows listed again (same ids, new objects).
 */
class FakeView implements SelectionSource {
  private rows: readonly unknown[] = [];
  private shown = true;
  private readonly listeners: Array<(e: { selection: readonly unknown[] }) => void> = [];

  get selection(): readonly unknown[] {
    return this.shown ? this.rows : [];
  }

  readonly onDidChangeSelection = (listener: (e: { selection: readonly unknown[] }) => void) => {
    this.listeners.push(listener);
    return { dispose: () => this.listeners.splice(this.listeners.indexOf(listener), 1) };
  };

  select(...rows: unknown[]): void {
    this.rows = rows;
    for (const l of [...this.listeners]) l({ selection: rows });
  }

  redraw(): void {
    this.shown = false;
  }

  listed(...rows: unknown[]): void {
    this.rows = rows;
    this.shown = true;
  }
}

describe('JobSelection (the job a command run without one acts on)', () => {
  const job = (id: string, data = 'old'): Node => ({ kind: 'job', id: `job:${id}`, data });

  it('is the job selected alone, as the view lists it now', () => {
    const sel = new JobSelection(isJob);
    const local = new FakeView();
    sel.track(local);
    assert.equal(sel.current(), undefined);
    local.select(job('a'));
    assert.equal(sel.current()?.id, 'job:a');
    local.listed(job('a', 'new'));
    assert.equal(sel.current()?.data, 'new', 'the node listed now, not the one selected');
  });

  it('keeps the job selected while the view redraws its rows (its selection reads empty then)', () => {
    const sel = new JobSelection(isJob);
    const local = new FakeView();
    sel.track(local);
    local.select(job('a'));
    local.redraw();
    assert.equal(sel.current()?.id, 'job:a');
  });

  it('has no job when a run, several rows or nothing is selected', () => {
    const sel = new JobSelection(isJob);
    const local = new FakeView();
    sel.track(local);
    local.select(job('a'));
    local.select({ kind: 'run', id: 'run:1' });
    assert.equal(sel.current(), undefined, 'a run');
    local.select(job('a'));
    local.select(job('a'), job('b'));
    assert.equal(sel.current(), undefined, 'two jobs');
    local.select(job('a'));
    local.select();
    assert.equal(sel.current(), undefined, 'cleared');
  });

  it('follows the view selected in last; a selection cleared in the other view leaves it', () => {
    const sel = new JobSelection(isJob);
    const local = new FakeView();
    const aws = new FakeView();
    sel.track(local);
    sel.track(aws);
    local.select(job('a'));
    aws.select(job('b'));
    assert.equal(sel.current()?.id, 'job:b');
    local.select();
    assert.equal(sel.current()?.id, 'job:b', 'clearing Local leaves the AWS job');
    local.select({ kind: 'run', id: 'run:1' });
    assert.equal(sel.current(), undefined, 'a run selected in Local replaces it');
  });

  it('forget drops the kept node (emulator restarted) but not a job the view still shows selected', () => {
    const sel = new JobSelection(isJob);
    const local = new FakeView();
    sel.track(local);
    local.select(job('a'));
    sel.forget(local);
    assert.equal(sel.current()?.id, 'job:a', 'still selected in the view');
    local.redraw();
    assert.equal(sel.current(), undefined, 'no stale node while the view redraws');
  });

  it('tells its listeners the job selected, and nothing once none is', () => {
    const sel = new JobSelection(isJob);
    const local = new FakeView();
    const seen: Array<string | undefined> = [];
    sel.onDidChange((n) => seen.push(n?.id));
    sel.track(local);
    local.select(job('a'));
    local.select({ kind: 'run', id: 'run:1' });
    local.select();
    assert.deepEqual(seen, ['job:a', undefined]);
  });

  it('stops following a view once its tracking is disposed', () => {
    const sel = new JobSelection(isJob);
    const local = new FakeView();
    const tracking = sel.track(local);
    tracking.dispose();
    local.select(job('a'));
    assert.equal(sel.current(), undefined);
  });
});
