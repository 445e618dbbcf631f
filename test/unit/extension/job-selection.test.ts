import assert from 'node:assert/strict';
import { UserError } from '../../../src/extension/errors';
import { JobSelection, NO_JOB, ROW_REDRAWN, type SelectionSource } from '../../../src/extension/views/jobSelection';

interface Node {
  readonly kind: 'job' | 'serviceJob' | 'run';
  readonly id: string;
  readonly status?: string;
  readonly emulator?: number;
}

const isJob = (x: unknown): x is Node => typeof x === 'object' && x !== null && ((x as Node).kind === 'job' || (x as Node).kind === 'serviceJob');
const batchOnly = (n: Node): n is Node => n.kind === 'job';
const anyJob = (_n: Node): _n is Node => true;

/**
 * A fake tree view, as VS Code's behaves: `select` is the user selecting rows, and fires the event
 * only when the selection changed (clicking the selected row again fires nothing); `redraw` is the
 * window after a refresh in which the view's handles resolve to no element, so `selection` reads
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
    return { dispose: () => void this.listeners.splice(this.listeners.indexOf(listener), 1) };
  };

  select(...rows: Node[]): void {
    const same = rows.length === this.rows.length && rows.every((r, i) => r.id === (this.rows[i] as Node).id);
    this.rows = rows;
    if (!same) for (const l of [...this.listeners]) l({ selection: rows });
  }

  redraw(): void {
    this.shown = false;
  }

  listed(...rows: unknown[]): void {
    this.rows = rows;
    this.shown = true;
  }
}

const job = (id: string, status = 'RUNNING', emulator = 1): Node => ({ kind: 'job', id: `job:${id}`, status, emulator });

/** A JobSelection whose "which job?" answers with `pick` (or declines), on a fake clock. */
function selection(pick?: (ids: string[]) => string | undefined) {
  const asked: string[][] = [];
  const keys: string[] = [];
  let clock = 0;
  const sel = new JobSelection<Node>({
    accepts: isJob,
    contextOf: (n) => `${n.kind}.${n.status}`,
    choose: async (candidates) => {
      const ids = candidates.map((c) => `${c.view}:${c.node.id}`);
      asked.push(ids);
      const chosen = pick?.(ids);
      if (!chosen) throw new Error('cancelled');
      return candidates[ids.indexOf(chosen)].node;
    },
    sleep: async (ms) => {
      clock += ms;
      onTick?.(clock);
    },
  });
  sel.onDidChange((k) => keys.push(k));
  let onTick: ((ms: number) => void) | undefined;
  return { sel, asked, keys, onSleep: (f: (ms: number) => void) => (onTick = f), clock: () => clock };
}

const rejects = async (p: Promise<unknown>, message: string) => assert.rejects(p, (err: unknown) => err instanceof UserError && err.message === message);

describe('JobSelection (which job a job command acts on)', () => {
  it('a command run from a row acts on that row, whatever is selected', async () => {
    const { sel } = selection();
    const local = new FakeView();
    sel.track(local, 'Local');
    local.select(job('a'));
    assert.equal((await sel.resolve([job('b')], batchOnly)).id, 'job:b');
  });

  it('a row the view was redrawing (undefined) is reported, never taken from the selection', async () => {
    const { sel } = selection();
    const local = new FakeView();
    sel.track(local, 'Local');
    local.select(job('a'));
    await rejects(sel.resolve([undefined], batchOnly), ROW_REDRAWN);
    await rejects(sel.resolve([null], batchOnly), ROW_REDRAWN);
    await rejects(sel.resolve([{ kind: 'run', id: 'run:1' }], batchOnly), NO_JOB);
  });

  it('run with no arguments (palette, keybinding) it acts on the selected job, as the view lists it now', async () => {
    const { sel } = selection();
    const local = new FakeView();
    sel.track(local, 'Local');
    await rejects(sel.resolve([], batchOnly), NO_JOB);
    local.select(job('a', 'RUNNING'));
    local.listed(job('a', 'SUCCEEDED'));
    assert.equal((await sel.resolve([], batchOnly)).status, 'SUCCEEDED');
  });

  it('waits for a view redrawing its rows to list the selected job again', async () => {
    const { sel, onSleep, clock } = selection();
    const local = new FakeView();
    sel.track(local, 'Local');
    local.select(job('a'));
    local.redraw();
    onSleep((ms) => ms >= 100 && local.listed(job('a', 'SUCCEEDED')));
    assert.equal((await sel.resolve([], batchOnly)).status, 'SUCCEEDED');
    assert.ok(clock() >= 100 && clock() < 200, `waited ${clock()} ms`);
  });

  it('gives up on a view that stays empty (the job is gone), after a bounded wait', async () => {
    const { sel, clock } = selection();
    const local = new FakeView();
    sel.track(local, 'Local');
    local.select(job('a'));
    local.redraw();
    await rejects(sel.resolve([], batchOnly), NO_JOB);
    assert.ok(clock() >= 1000 && clock() <= 1100, `waited ${clock()} ms`);
  });

  it('has no job when a run, several rows or nothing is selected, or one the command does not take', async () => {
    const { sel } = selection();
    const local = new FakeView();
    sel.track(local, 'Local');
    local.select({ kind: 'run', id: 'run:1' });
    await rejects(sel.resolve([], batchOnly), NO_JOB);
    local.select(job('a'), job('b'));
    await rejects(sel.resolve([], batchOnly), NO_JOB);
    local.select();
    await rejects(sel.resolve([], batchOnly), NO_JOB);
    local.select({ kind: 'serviceJob', id: 'svc:1', status: 'RUNNING' });
    await rejects(sel.resolve([], batchOnly), NO_JOB);
    assert.equal((await sel.resolve([], anyJob)).id, 'svc:1');
  });

  it('asks which job when both views have one selected (clicking a selected row again fires no event)', async () => {
    const { sel, asked } = selection((ids) => ids[0]);
    const local = new FakeView();
    const aws = new FakeView();
    sel.track(local, 'Local');
    sel.track(aws, 'AWS');
    local.select(job('a'));
    aws.select(job('b'));
    local.select(job('a'));
    assert.equal((await sel.resolve([], batchOnly)).id, 'job:a');
    assert.deepEqual(asked, [['Local:job:a', 'AWS:job:b']]);
    const declined = selection(() => undefined);
    declined.sel.track(local, 'Local');
    declined.sel.track(aws, 'AWS');
    await assert.rejects(declined.sel.resolve([], batchOnly), /cancelled/);
  });

  it('does not act on a job of a stopped emulator, nor offer it (forget, and the view\'s validity)', async () => {
    const { sel, keys } = selection();
    const local = new FakeView();
    let emulator = 1;
    sel.track(local, 'Local', (n) => n.emulator === emulator);
    local.select(job('a', 'RUNNING', 1));
    assert.deepEqual(keys, ['job.RUNNING']);
    emulator = 2;
    sel.forget(local);
    assert.deepEqual(keys, ['job.RUNNING', ''], 'the palette stops offering it');
    // (a hidden view is not listed again: its selection still reads the old node)
    await rejects(sel.resolve([], batchOnly), NO_JOB);
  });

  it('the context key is the contextValue of the job selected last, and follows its state on refresh', () => {
    const { sel, keys } = selection();
    const local = new FakeView();
    const aws = new FakeView();
    sel.track(local, 'Local');
    sel.track(aws, 'AWS');
    local.select(job('a', 'RUNNABLE'));
    aws.select({ kind: 'serviceJob', id: 'svc:1', status: 'RUNNING' });
    aws.select({ kind: 'run', id: 'run:9' });
    local.listed(job('a', 'RUNNING'));
    sel.refresh();
    local.redraw();
    sel.refresh();
    local.select();
    assert.deepEqual(keys, ['job.RUNNABLE', 'serviceJob.RUNNING', 'job.RUNNABLE', 'job.RUNNING', '']);
  });

  it('stops following a view once its tracking is disposed', async () => {
    const { sel } = selection();
    const local = new FakeView();
    sel.track(local, 'Local').dispose();
    local.select(job('a'));
    await rejects(sel.resolve([], batchOnly), NO_JOB);
  });
});
