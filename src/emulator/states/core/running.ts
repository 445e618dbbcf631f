/**
 * What runs in an execution's own history that a stop (StopExecution, or the execution timing out)
 * records as aborted: its running Task, Wait, Parallel and Map states (`<Type>StateAborted`) and its
 * running map runs (`MapRunAborted`), as AWS's history event types name them. They are recorded at
 * the stop, innermost first, before anything unwinds, so the execution's own end follows them.
 */
import type { Chain, History } from './history';

/** The state types a stop records as aborted while they run. */
export const ABORTABLE = new Set(['Task', 'Wait', 'Parallel', 'Map']);

export class RunningStates {
  private readonly open = new Map<object, { readonly event: string; readonly chain?: Chain }>();

  constructor(private readonly history: History) {}

  /** Notes something running in `history` (a level's); undefined when that is not the execution's own. */
  mark(history: History | undefined, chain: Chain | undefined, event: string): object | undefined {
    if (history !== this.history) return undefined;
    const token = {};
    this.open.set(token, { event, chain });
    return token;
  }

  /** It ended (or was recorded as aborted). */
  ended(token: object | undefined): void {
    if (token) this.open.delete(token);
  }

  /** The stop: each one still running is recorded as aborted, innermost (latest) first. */
  abortAll(): void {
    for (const { event, chain } of [...this.open.values()].reverse()) this.history.emit(event, undefined, chain);
    this.open.clear();
  }
}
