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
 * the next state (its `exit` member, which GetExecutionHistory leaves out).
 */

/** Where a state that exited was in its run, and where it went (none: its level ended there). */
export interface ExitMark {
  readonly key: string;
  readonly next?: string;
}

/** What a state that exited left. */
export interface ExitRecord {
  readonly output: unknown;
  readonly next?: string;
  readonly assigned?: ReadonlyMap<string, unknown>;
}

/** What a redrive runs with: its number (`$$.Execution.RedriveCount`), and the states that had exited. */
export interface Resume {
  readonly redriveCount: number;
  /** The history's last event before the redrive (ExecutionRedriven follows it). */
  readonly lastEventId: number;
  readonly exits: ReadonlyMap<string, ExitRecord>;
}

interface ExitedEvent {
  readonly type: string;
  readonly exit?: ExitMark;
  readonly stateExitedEventDetails?: { readonly output?: string; readonly assignedVariables?: Record<string, string> };
}

/** The exits recorded in a history (a later one of the same key replaces an earlier: a retried branch's last). */
export function exitsOf(history: readonly object[]): Map<string, ExitRecord> {
  const exits = new Map<string, ExitRecord>();
  for (const event of history as readonly ExitedEvent[]) {
    const mark = event.exit;
    const details = event.stateExitedEventDetails;
    if (!mark || !details || !event.type.endsWith('StateExited')) continue;
    const assigned = details.assignedVariables ? new Map(Object.entries(details.assignedVariables).map(([k, v]) => [k, JSON.parse(v) as unknown])) : undefined;
    exits.set(mark.key, { output: details.output === undefined ? null : (JSON.parse(details.output) as unknown), next: mark.next, ...(assigned ? { assigned } : {}) });
  }
  return exits;
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
