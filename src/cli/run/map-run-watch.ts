/**
 * `localbatch run` of a state machine: a distributed Map's progress, which its history does not show
 * (its children's events are in their own executions). Each map run the history starts is asked
 * about (DescribeMapRun) at most every few seconds while it runs, and at the execution's end; a
 * line is printed when its counts changed: "map run Fan: 40 of 100 items done (38 succeeded, 2
 * failed), 10 running".
 */
import { DescribeMapRunCommand, type DescribeMapRunOutput, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';

const LOOK_EVERY_MS = 2000;

interface Watched {
  readonly state: string;
  /** The last line printed. */
  line?: string;
  /** Its end was shown. */
  done?: boolean;
}

export class MapRunWatch {
  private readonly runs = new Map<string, Watched>();
  private lastLook = 0;

  constructor(
    private readonly sfn: SFNClient,
    private readonly say: (line: string) => void,
    private readonly everyMs = LOOK_EVERY_MS,
  ) {}

  /** Notes a map run a history event starts (MapRunStarted). */
  seen(e: HistoryEvent): void {
    const arn = e.mapRunStartedEventDetails?.mapRunArn;
    if (arn && !this.runs.has(arn)) this.runs.set(arn, { state: stateOf(arn) });
  }

  /** Asks about the runs still running, at most every few seconds (unless `force`: at the execution's end). */
  async look(now = Date.now(), force = false): Promise<void> {
    const due = [...this.runs].filter(([, r]) => !r.done);
    if (due.length === 0 || (!force && now - this.lastLook < this.everyMs)) return;
    this.lastLook = now;
    for (const [arn, r] of due) {
      const d = await this.sfn.send(new DescribeMapRunCommand({ mapRunArn: arn })).catch(() => undefined);
      if (!d) continue;
      const line = progressLine(r.state, d);
      if (line !== r.line) this.say(line);
      r.line = line;
      r.done = d.status !== 'RUNNING';
    }
  }
}

/** `<machine>/<state>:<id>` after `:mapRun:` names the Map state. */
function stateOf(mapRunArn: string): string {
  const tail = mapRunArn.split(':mapRun:')[1] ?? mapRunArn;
  return tail.slice(tail.indexOf('/') + 1, tail.lastIndexOf(':'));
}

export function progressLine(state: string, d: Pick<DescribeMapRunOutput, 'status' | 'itemCounts'>): string {
  const c: Partial<NonNullable<DescribeMapRunOutput['itemCounts']>> = d.itemCounts ?? {};
  const done = (c.succeeded ?? 0) + (c.failed ?? 0) + (c.timedOut ?? 0) + (c.aborted ?? 0);
  const parts = [`${c.succeeded ?? 0} succeeded`, ...(c.failed ? [`${c.failed} failed`] : []), ...(c.timedOut ? [`${c.timedOut} timed out`] : []), ...(c.aborted ? [`${c.aborted} aborted`] : [])];
  const running = c.running ? `, ${c.running} running` : '';
  const ended = d.status && d.status !== 'RUNNING' ? `: ${d.status}` : '';
  return `  map run ${state}: ${done} of ${c.total ?? 0} items done (${parts.join(', ')})${running}${ended}`;
}
