/**
 * A distributed Map's runs and their child workflow executions, as a list wants them: an
 * execution's newest map runs in the order they started (ListMapRuns, DescribeMapRun), and a map
 * run's children (ListExecutions by mapRunArn and status: failed, timed out and aborted first, then
 * running, then succeeded), each described once for its input and error (DescribeExecution).
 */
import { DescribeExecutionCommand, DescribeMapRunCommand, ListExecutionsCommand, ListMapRunsCommand, type ExecutionStatus, type MapRunExecutionCounts, type SFNClient } from '@aws-sdk/client-sfn';
import { mapRunProgressShort } from '../model/map-run-text';
import { mapRunStateName } from './map-run-watch';

export interface MapRunRow {
  readonly mapRunArn: string;
  /** The Map's label (its Label, else its state name). */
  readonly state: string;
  readonly status: string;
  /** "5/8 items, 1 failed, 2 running". */
  readonly progress: string;
  /** Its child executions by status (DescribeMapRun's executionCounts; total includes pending ones). */
  readonly counts?: MapRunExecutionCounts;
}

export interface ChildRow {
  readonly executionArn: string;
  readonly name: string;
  readonly status: string;
  readonly input?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
}

/** The children a list shows of one map run at most (one ListExecutions page). */
export const CHILDREN_SHOWN = 100;
/** The map runs an execution's list shows at most (its newest; a distributed Map in a loop or an inline Map makes many). */
export const MAP_RUNS_SHOWN = 20;
/** Describe calls made at once. */
const AT_ONCE = 8;

/** Runs `work` on each item, AT_ONCE at a time. */
async function inTurns<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += AT_ONCE) await Promise.all(items.slice(i, i + AT_ONCE).map(work));
}

/** The newest MAP_RUNS_SHOWN map runs of an execution, oldest first, and how many it has. */
export async function mapRunRows(sfn: SFNClient, executionArn: string): Promise<{ rows: MapRunRow[]; total: number }> {
  const runs: Array<{ mapRunArn?: string; startDate?: Date }> = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListMapRunsCommand({ executionArn, nextToken }));
    runs.push(...(page.mapRuns ?? []).filter((r) => r.mapRunArn));
    nextToken = page.nextToken;
  } while (nextToken);
  const shown = runs.sort((a, b) => (a.startDate?.getTime() ?? 0) - (b.startDate?.getTime() ?? 0)).slice(-MAP_RUNS_SHOWN);
  const rows = new Array<MapRunRow>(shown.length);
  await inTurns(shown.map((r, i) => ({ r, i })), async ({ r, i }) => {
    const d = await sfn.send(new DescribeMapRunCommand({ mapRunArn: r.mapRunArn }));
    rows[i] = { mapRunArn: r.mapRunArn!, state: mapRunStateName(r.mapRunArn!), status: d.status ?? '', progress: mapRunProgressShort(d.itemCounts), counts: d.executionCounts };
  });
  return { rows, total: runs.length };
}

/** The order children are listed in, and their counts' names. */
const ORDER: ReadonlyArray<[ExecutionStatus, keyof MapRunExecutionCounts]> = [
  ['FAILED', 'failed'],
  ['TIMED_OUT', 'timedOut'],
  ['ABORTED', 'aborted'],
  ['RUNNING', 'running'],
  ['SUCCEEDED', 'succeeded'],
];

/**
 * Up to `limit` children of a map run with the given statuses, in ORDER (newest first within each).
 * `counts` (the run's) skips statuses none has. `known`: what was described before, by ARN, kept
 * current here: a child's input never changes and an ended one's row never does, so a row is
 * described again only when it is new or its status changed (a restart's replay runs a child again).
 */
export async function childRows(
  sfn: SFNClient,
  mapRunArn: string,
  options: { counts?: MapRunExecutionCounts; known?: Map<string, ChildRow>; statuses?: readonly ExecutionStatus[]; limit?: number } = {},
): Promise<ChildRow[]> {
  const limit = options.limit ?? CHILDREN_SHOWN;
  const known = options.known ?? new Map<string, ChildRow>();
  const listed: ChildRow[] = [];
  for (const [status, count] of ORDER) {
    if (listed.length >= limit) break;
    if ((options.statuses && !options.statuses.includes(status)) || (options.counts && !options.counts[count])) continue;
    const page = await sfn.send(new ListExecutionsCommand({ mapRunArn, statusFilter: status, maxResults: limit - listed.length }));
    for (const c of page.executions ?? []) listed.push({ executionArn: c.executionArn ?? '', name: c.name ?? '', status: c.status ?? status, startDate: c.startDate, stopDate: c.stopDate });
  }
  const rows = listed.map((c) => {
    const k = known.get(c.executionArn);
    // (a running child's input is known from before; an ended one's whole row)
    if (k && k.status === c.status) return k;
    if (k && c.status === 'RUNNING') return { ...c, input: k.input };
    return undefined;
  });
  await inTurns(rows.flatMap((r, i) => (r ? [] : [i])), async (i) => {
    const c = listed[i];
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: c.executionArn })).catch(() => undefined);
    rows[i] = d ? { ...c, status: d.status ?? c.status, input: d.input, error: d.error, cause: d.cause, stopDate: d.stopDate ?? c.stopDate } : c;
    if (d) known.set(c.executionArn, rows[i]!);
  });
  return rows as ChildRow[];
}

/** A child's input on one line, cut to `max` characters. */
export function inputLine(input: string | undefined, max = 60): string {
  if (input === undefined) return '';
  let text = input;
  try {
    text = JSON.stringify(JSON.parse(input));
  } catch {
    // (shown as it came)
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
