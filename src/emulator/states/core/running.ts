/**
 * What runs in an execution that a stop (StopExecution, or the execution timing out) records as
 * aborted: its running Task, Wait, Parallel and Map states (`<Type>StateAborted`) and its running
 * map runs (`MapRunAborted`), as AWS's history event types name them, in the history each is in
 * (the execution's own, or a distributed Map child's). They are recorded at the stop, innermost
 * first, before anything unwinds, so each execution's own end follows them.
 */
import type { Chain, History } from './history';

/** The state types a stop records as aborted while they run. */
export const ABORTABLE = new Set(['Task', 'Wait', 'Parallel', 'Map']);

export class RunningStates {
  private readonly open = new Map<object, { readonly event: string; readonly history: History; readonly chain?: Chain }>();

  /** Notes something running in `history` (a level's); undefined when the level records nothing. */
  mark(history: History | undefined, chain: Chain | undefined, event: string): object | undefined {
    if (!history) return undefined;
    const token = {};
    this.open.set(token, { event, history, chain });
    return token;
  }

  /** It ended (or was recorded as aborted). */
  ended(token: object | undefined): void {
    if (token) this.open.delete(token);
  }

  /** The stop: each one still running is recorded as aborted, innermost (latest) first. */
  abortAll(): void {
    for (const { event, history, chain } of [...this.open.values()].reverse()) history.emit(event, undefined, chain);
    this.open.clear();
  }
}
