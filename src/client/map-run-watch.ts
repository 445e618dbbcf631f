/**
 * A distributed Map's progress, which its execution's history does not show (its children's events
 * are in their own executions): each map run seen in the history (MapRunStarted) is asked about
 * (DescribeMapRun) at most every few seconds while it runs, and once more when asked to (at the
 * execution's end); `changed` hears of a run whose status or counts changed. Used by `localbatch
 * run` (a line per change) and the state machine graph (the Map state's progress).
 */
import { DescribeMapRunCommand, type DescribeMapRunOutput, type SFNClient } from '@aws-sdk/client-sfn';

const LOOK_EVERY_MS = 2000;

interface Watched {
  /** The status and counts last heard of. */
  last?: string;
  /** Its end was heard of. */
  done?: boolean;
}

export class MapRunWatch {
  private readonly runs = new Map<string, Watched>();
  private lastLook = 0;

  constructor(
    /** The client asked (replaced when its emulator is reached anew). */
    public sfn: SFNClient,
    private readonly changed: (mapRunArn: string, run: DescribeMapRunOutput) => void,
    private readonly everyMs = LOOK_EVERY_MS,
  ) {}

  /** Whether a map run seen has not been seen to end. */
  get watching(): boolean {
    return [...this.runs.values()].some((r) => !r.done);
  }

  /** Notes a map run (from a MapRunStarted event's mapRunStartedEventDetails). */
  seen(mapRunArn: string | undefined): void {
    if (mapRunArn && !this.runs.has(mapRunArn)) this.runs.set(mapRunArn, {});
  }

  /** Asks about the runs still running, at most every few seconds (unless `force`: at the execution's end). */
  async look(now = Date.now(), force = false): Promise<void> {
    const due = [...this.runs].filter(([, r]) => !r.done);
    if (due.length === 0 || (!force && now - this.lastLook < this.everyMs)) return;
    this.lastLook = now;
    for (const [arn, r] of due) {
      const d = await this.sfn.send(new DescribeMapRunCommand({ mapRunArn: arn })).catch(() => undefined);
      if (!d) continue;
      const key = JSON.stringify([d.status, d.itemCounts]);
      r.done = d.status !== 'RUNNING';
      if (key === r.last) continue;
      r.last = key;
      this.changed(arn, d);
    }
  }
}

/** The Map state a map run belongs to: `<machine>/<state>:<id>` after `:mapRun:`. */
export function mapRunStateName(mapRunArn: string): string {
  const tail = mapRunArn.split(':mapRun:')[1] ?? mapRunArn;
  return tail.slice(tail.indexOf('/') + 1, tail.lastIndexOf(':'));
}
