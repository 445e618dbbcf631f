/** An execution's history as the interpreter writes it, and the chains of its concurrent branches. */
import type { ExitMark } from './redrive';
import type { HistoryEventInput } from './types';

/** The last event id of one branch's chain of history events (advanced by each event emitted on it). */
export interface Chain {
  last: number;
}

/** One execution's history as it is written: events numbered from 1 by the sink (or counted when there is none). */
export class History {
  last = 0;

  constructor(private readonly sink?: (event: HistoryEventInput) => number) {}

  /**
   * Records an event; `chain`: the branch it belongs to (its previous event, then advanced to it);
   * `exit`: a StateExited event's mark (redrive.ts).
   */
  emit(type: string, details?: Record<string, unknown>, chain?: Chain, exit?: ExitMark): number {
    const e: HistoryEventInput = { type, details, previousEventId: chain ? chain.last : this.last, ...(exit ? { exit } : {}) };
    this.last = this.sink ? this.sink(e) : this.last + 1;
    if (chain) chain.last = this.last;
    return this.last;
  }
}
