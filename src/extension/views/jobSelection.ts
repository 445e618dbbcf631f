/**
 * The job the user selected in the Local or AWS view, for job commands run without one: from a
 * keybinding or the Command Palette, and from a context menu whose row the view had just redrawn.
 * (VS Code hands a context-menu command the row's element by its handle; a redraw of the rows
 * above it forgets every handle until VS Code lists the rows again, and in that window the command
 * gets no element at all. The view's `selection` goes through the same handles, so it is empty
 * then too: the node as it was selected is kept here for that window.)
 *
 * Pure (vscode is imported for its types only), so it is unit-tested with fake views.
 */
import type * as vscode from 'vscode';

/** What is used of a vscode.TreeView. */
export interface SelectionSource {
  readonly selection: readonly unknown[];
  readonly onDidChangeSelection: vscode.Event<{ readonly selection: readonly unknown[] }>;
}

interface Selected<N> {
  readonly view: SelectionSource;
  /** The node as selected; undefined once forgotten (only the view's live selection counts then). */
  readonly node: N | undefined;
}

export class JobSelection<N extends { readonly id: string }> {
  private last: Selected<N> | undefined;
  private readonly listeners = new Set<(selected: N | undefined) => void>();

  /** `accepts`: which elements are jobs (the others, and a selection of several, select no job). */
  constructor(private readonly accepts: (x: unknown) => x is N) {}

  /** Follows `view`'s selection until the returned disposable is disposed. */
  track(view: SelectionSource): vscode.Disposable {
    this.selected(view, view.selection);
    return view.onDidChangeSelection((e) => this.selected(view, e.selection));
  }

  /**
   * The job selected alone, last, in a tracked view: as the view has it now (its data as last
   * listed), or as it was when selected while the view is redrawing its rows. Undefined when the
   * last selection there was not one job, or was cleared.
   */
  current(): N | undefined {
    const last = this.last;
    if (!last) return undefined;
    const now = last.view.selection;
    if (now.length === 1 && this.accepts(now[0])) return now[0];
    return now.length === 0 ? last.node : undefined;
  }

  /**
   * Drops the node kept for `view`'s redraws (the emulator stopped or restarted: the clients its
   * jobs carry are gone); a job the view still shows selected, listed afresh, still counts.
   */
  forget(view: SelectionSource): void {
    if (this.last?.view === view) this.last = { view, node: undefined };
  }

  /** Called with the job selected (undefined: none), each time that may have changed. */
  onDidChange(listener: (selected: N | undefined) => void): vscode.Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private selected(view: SelectionSource, selection: readonly unknown[]): void {
    const one = selection.length === 1 && this.accepts(selection[0]) ? selection[0] : undefined;
    if (one) this.set({ view, node: one });
    // Anything else selected replaces it; a selection cleared in another view leaves it.
    else if (selection.length > 0 || this.last?.view === view) this.set(undefined);
  }

  private set(next: Selected<N> | undefined): void {
    const was = this.last !== undefined;
    this.last = next;
    if (was || next) for (const l of this.listeners) l(next?.node);
  }
}
