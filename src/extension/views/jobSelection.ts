/**
 * Which job a job command acts on. From a row's context menu or inline button, VS Code calls the
 * command with the row's element: that job, and only that job. From a keybinding or the Command
 * Palette it calls it with no arguments at all: then it acts on the job selected in the Local or
 * AWS view (asking which when both have one).
 *
 * A menu chosen just as the whole view was redrawn (a new run, a Refresh, the emulator starting)
 * reaches the command with `undefined`: VS Code finds a row by a handle that such a redraw forgets
 * until the view has listed its rows again, level by level. That is not a palette run, and the row
 * clicked need not be the one selected (a right-click or an inline button does not select), so it
 * is reported, never guessed.
 *
 * The selection is read live from the views (a view whose job is selected reads empty for the few
 * milliseconds of a redraw: it is read again until it shows), so a job is acted on with its data as
 * last listed. Pure (vscode is imported for its types only): unit-tested with fake views.
 */
import type * as vscode from 'vscode';
import { UserError } from '../errors';

/** What is used of a vscode.TreeView. */
export interface SelectionSource {
  readonly selection: readonly unknown[];
  readonly onDidChangeSelection: vscode.Event<{ readonly selection: readonly unknown[] }>;
}

export const NO_JOB = 'Select a job in the Local or AWS view, or run this command from a job\'s context menu.';
export const ROW_REDRAWN = 'The view was redrawn as the command was chosen, so it got no job: choose it again.';

/** How long a view whose job was selected may read no selection (a redraw) before it counts as none. */
const REDRAW_WAIT_MS = 1000;
const REDRAW_POLL_MS = 25;

interface Tracked<N> {
  readonly view: SelectionSource;
  /** Names the view when the user is asked which job (`Local`, `AWS`). */
  readonly label: string;
  /** Whether a node of this view can still be acted on (the Local view's: from the running emulator). */
  readonly valid: (node: N) => boolean;
  /** Whether the view's last selection event was one job. */
  jobSelected: boolean;
  /** That job's row contextValue, as last read (`''`: none, or one that can no longer be acted on). */
  context: string;
  /** When it was selected (for the context key: the latest one counts). */
  seq: number;
}

export interface JobSelectionOptions<N> {
  /** Which elements are jobs (a selection of anything else, or of several rows, selects no job). */
  readonly accepts: (x: unknown) => x is N;
  /** The job's row contextValue (`job.RUNNING`): the context key's value, so the palette's `when` clauses match the menus'. */
  readonly contextOf: (node: N) => string;
  /** Asks which job when several views have one selected; throws (a cancellation) when the user declines. */
  readonly choose: (candidates: ReadonlyArray<{ readonly node: N; readonly view: string }>) => Promise<N>;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class JobSelection<N> {
  private readonly views: Array<Tracked<N>> = [];
  private readonly listeners = new Set<(contextValue: string) => void>();
  private seq = 0;
  private key = '';

  constructor(private readonly opts: JobSelectionOptions<N>) {}

  /** Follows `view`'s selection until the returned disposable is disposed. */
  track(view: SelectionSource, label: string, valid: (node: N) => boolean = () => true): vscode.Disposable {
    const t: Tracked<N> = { view, label, valid, jobSelected: false, context: '', seq: 0 };
    this.views.push(t);
    this.selected(t, view.selection);
    const sub = view.onDidChangeSelection((e) => this.selected(t, e.selection));
    return {
      dispose: () => {
        sub.dispose();
        this.views.splice(this.views.indexOf(t), 1);
        this.updateKey();
      },
    };
  }

  /**
   * The job a command called with `args` acts on, if it `fits` the command: the element given, or
   * with no arguments (keybinding, Command Palette) the selected one. Throws a UserError saying why
   * when there is none.
   */
  async resolve<M extends N>(args: readonly unknown[], fits: (node: N) => node is M): Promise<M> {
    if (args.length > 0) {
      const arg = args[0];
      if (this.opts.accepts(arg) && fits(arg)) return arg;
      throw new UserError(arg === undefined || arg === null ? ROW_REDRAWN : NO_JOB);
    }
    const candidates: Array<{ node: M; view: string }> = [];
    for (const t of [...this.views]) {
      const node = await this.liveJob(t);
      if (node !== undefined && t.valid(node) && fits(node)) candidates.push({ node, view: t.label });
    }
    if (candidates.length === 0) throw new UserError(NO_JOB);
    if (candidates.length === 1) return candidates[0].node;
    return (await this.opts.choose(candidates)) as M;
  }

  /** The view's selected job as listed now, once a redraw under way has listed it again. */
  private async liveJob(t: Tracked<N>): Promise<N | undefined> {
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let waited = 0; ; waited += REDRAW_POLL_MS) {
      const now = t.view.selection;
      if (now.length === 1) return this.opts.accepts(now[0]) ? now[0] : undefined;
      if (now.length > 1 || !t.jobSelected || waited >= REDRAW_WAIT_MS) return undefined;
      await sleep(REDRAW_POLL_MS);
    }
  }

  /** Reads the views' selections again for the context key (a selected job changed state). */
  refresh(): void {
    for (const t of this.views) {
      const now = t.view.selection;
      // (read empty while a redraw is under way: the key stays as it was)
      if (t.jobSelected && now.length > 0) t.context = this.contextOf(t, now);
    }
    this.updateKey();
  }

  /** The view's job no longer counts until selected again (the emulator stopped or restarted). */
  forget(view: SelectionSource): void {
    const t = this.views.find((v) => v.view === view);
    if (t) {
      t.jobSelected = false;
      t.context = '';
    }
    this.updateKey();
  }

  /** Called with the selected job's row contextValue (`''`: none) each time it changes. */
  onDidChange(listener: (contextValue: string) => void): vscode.Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private selected(t: Tracked<N>, selection: readonly unknown[]): void {
    t.jobSelected = selection.length === 1 && this.opts.accepts(selection[0]);
    t.context = this.contextOf(t, selection);
    t.seq = ++this.seq;
    this.updateKey();
  }

  private contextOf(t: Tracked<N>, selection: readonly unknown[]): string {
    const node = selection.length === 1 ? selection[0] : undefined;
    return this.opts.accepts(node) && t.valid(node) ? this.opts.contextOf(node) : '';
  }

  /** The context key: the contextValue of the job selected last, in a view that still has it selected. */
  private updateKey(): void {
    let latest: Tracked<N> | undefined;
    for (const t of this.views) if (t.context && (!latest || t.seq > latest.seq)) latest = t;
    const key = latest?.context ?? '';
    if (key === this.key) return;
    this.key = key;
    for (const l of this.listeners) l(key);
  }
}
