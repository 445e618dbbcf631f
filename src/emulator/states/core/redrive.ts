/**
 * RedriveExecution: an execution that failed, timed out or was aborted runs again from the start,
 * but each state that had exited (recorded by a StateExited event) is passed over with the output
 * and variables it had and goes where it went, so only the states that had not ended run again:
 * the unsuccessful state, the failed or aborted branches and iterations of a Parallel or inline Map,
 * and what follows them.
 *
 * A state's place in a run is its key: the keys of the Parallel branch or Map iteration it is in
 * (without their attempt, so a redriven Parallel that had been retried finds the branches its last
 * attempt finished), its name and which entry of that name in its level it is. A redrive takes the
 * same path to the unsuccessful state, so the keys match. The StateExited event carries the key and
 * the next state (its `exit` member, which GetExecutionHistory leaves out). A Parallel or inline Map
 * that a retrier runs again marks its MapStateStarted or ParallelStateStarted (`retry`: its key):
 * what its earlier attempts' branches and iterations exited no longer counts, as AWS redrives the
 * branches and iterations that failed or were aborted in the last attempt.
 */

/**
 * Where a state that exited was in its run, and where it went (none: its level ended there); or
 * the start of a Parallel's or Map's retry.
 */
export type ExitMark = { readonly key: string; readonly next?: string } | { readonly retry: string };

/** What a state that exited left. */
export interface ExitRecord {
  readonly output: unknown;
  readonly next?: string;
  readonly assigned?: ReadonlyMap<string, unknown>;
}

/** What a redrive runs with: its number (`$$.Execution.RedriveCount`), and the states that had exited. */
export interface Resume {
  readonly redriveCount: number;
  /** When it was redriven, ms (`$$.Execution.RedriveTime`). */
  readonly redriveDate: number;
  /** The history's last event before the redrive (ExecutionRedriven follows it). */
  readonly lastEventId: number;
  readonly exits: ReadonlyMap<string, ExitRecord>;
}

interface ExitedEvent {
  readonly type: string;
  readonly exit?: ExitMark;
  readonly stateExitedEventDetails?: { readonly output?: string; readonly assignedVariables?: Record<string, string> };
}

/** The exits recorded in a history that still count (see above). */
export function exitsOf(history: readonly object[]): Map<string, ExitRecord> {
  const exits = new Map<string, ExitRecord>();
  // Those recorded since the run began or was last redriven: a retry voids its earlier attempts'
  // (an earlier run's exits stand: this run passed over them in every attempt).
  let recent = new Set<string>();
  for (const event of history as readonly ExitedEvent[]) {
    if (event.type === 'ExecutionRedriven') recent = new Set();
    const mark = event.exit;
    if (!mark) continue;
    if ('retry' in mark) {
      const inside = `${mark.retry}[`;
      for (const key of recent) {
        if (!key.startsWith(inside)) continue;
        exits.delete(key);
        recent.delete(key);
      }
      continue;
    }
    const details = event.stateExitedEventDetails;
    if (!details || !event.type.endsWith('StateExited')) continue;
    const assigned = details.assignedVariables ? new Map(Object.entries(details.assignedVariables).map(([k, v]) => [k, JSON.parse(v) as unknown])) : undefined;
    exits.set(mark.key, { output: details.output === undefined ? null : (JSON.parse(details.output) as unknown), next: mark.next, ...(assigned ? { assigned } : {}) });
    recent.add(mark.key);
  }
  return exits;
}

/**
 * Why a history cannot be redriven: a state exited without a mark (the execution ran under a
 * localbatch before RedriveExecution), or the history was not kept.
 */
export function unredrivableHistory(history: readonly object[]): string | undefined {
  if (!history.length) return 'Execution history could not be read.';
  for (const e of history as readonly ExitedEvent[]) if (e.type.endsWith('StateExited') && !e.exit) return 'Execution was started before the launch of RedriveExecution.';
  return undefined;
}

interface LinkedEvent {
  readonly id: number;
  readonly type: string;
  readonly previousEventId?: number;
  readonly stateEnteredEventDetails?: { readonly name?: string };
}

/**
 * How many times each state's Task was called, from a history (a TaskScheduled per call, its state
 * named by the TaskStateEntered its chain goes back to): a redrive's mocked responses go on from there.
 */
export function taskCallsOf(history: readonly object[]): Map<string, number> {
  const byId = new Map<number, LinkedEvent>();
  const calls = new Map<string, number>();
  for (const e of history as readonly LinkedEvent[]) {
    byId.set(e.id, e);
    if (e.type !== 'TaskScheduled') continue;
    let p = e.previousEventId === undefined ? undefined : byId.get(e.previousEventId);
    while (p && p.type !== 'TaskStateEntered') p = p.previousEventId === undefined || p.previousEventId >= p.id ? undefined : byId.get(p.previousEventId);
    const name = p?.stateEnteredEventDetails?.name;
    if (name !== undefined) calls.set(name, (calls.get(name) ?? 0) + 1);
  }
  return calls;
}

/**
 * What a level of states (a Map iteration) ended with, when its states had all exited: followed
 * from its StartAt through each exit's next state to one that ended the level.
 */
export function finishedLevel(exits: ReadonlyMap<string, ExitRecord>, exitPrefix: string, startAt: string): { output: unknown } | undefined {
  const entries = new Map<string, number>();
  let name = startAt;
  for (let steps = 0; steps <= exits.size; steps++) {
    const entry = (entries.get(name) ?? 0) + 1;
    entries.set(name, entry);
    const exited = exits.get(`${exitPrefix}/${name}#${entry}`);
    if (!exited) return undefined;
    if (exited.next === undefined) return { output: exited.output };
    name = exited.next;
  }
  return undefined;
}

/**
 * The history a redrive starts from: the events before its ExecutionRedriven (a replay after a
 * restart may find the redrive's own events saved already; it writes them again).
 */
export function historyBeforeRedrive<T extends object>(history: readonly T[], redriveCount: number): T[] {
  const at = history.findIndex((e) => (e as { type?: string }).type === 'ExecutionRedriven' && (e as { executionRedrivenEventDetails?: { redriveCount?: number } }).executionRedrivenEventDetails?.redriveCount === redriveCount);
  return at < 0 ? history.slice() : history.slice(0, at);
}
