/**
 * A distributed Map's runs and their child workflow executions, as a list wants them: an
 * execution's map runs in the order they started (ListMapRuns, DescribeMapRun), and a map run's
 * children (ListExecutions by mapRunArn, one page), each described for its input and error
 * (DescribeExecution), the ones that did not succeed first.
 */
import { DescribeExecutionCommand, DescribeMapRunCommand, ListExecutionsCommand, ListMapRunsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { mapRunProgressShort } from '../model/map-run-text';
import { mapRunStateName } from './map-run-watch';

export interface MapRunRow {
  readonly mapRunArn: string;
  /** The Map state's name. */
  readonly state: string;
  readonly status: string;
  /** "5/8 items, 1 failed, 2 running". */
  readonly progress: string;
  /** Child executions of the run, pending ones included (DescribeMapRun's executionCounts.total). */
  readonly children: number;
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
/** DescribeExecution calls made at once. */
const DESCRIBE_AT_ONCE = 8;

export async function mapRunRows(sfn: SFNClient, executionArn: string): Promise<MapRunRow[]> {
  const runs: Array<{ mapRunArn?: string; startDate?: Date }> = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListMapRunsCommand({ executionArn, nextToken }));
    runs.push(...(page.mapRuns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  runs.sort((a, b) => (a.startDate?.getTime() ?? 0) - (b.startDate?.getTime() ?? 0));
  return Promise.all(runs.filter((r) => r.mapRunArn).map(async (r) => {
    const d = await sfn.send(new DescribeMapRunCommand({ mapRunArn: r.mapRunArn }));
    return { mapRunArn: r.mapRunArn!, state: mapRunStateName(r.mapRunArn!), status: d.status ?? '', progress: mapRunProgressShort(d.itemCounts), children: d.executionCounts?.total ?? 0 };
  }));
}

const RANK: Record<string, number> = { FAILED: 0, TIMED_OUT: 0, ABORTED: 1, RUNNING: 2 };

/**
 * Up to CHILDREN_SHOWN children of a map run: failed, timed out and aborted first, then running,
 * then the rest (newest first within each). `ended`: children described before that had ended
 * (they never change), not described again; those that ended now are added.
 */
export async function childRows(sfn: SFNClient, mapRunArn: string, ended = new Map<string, ChildRow>()): Promise<ChildRow[]> {
  const listed = (await sfn.send(new ListExecutionsCommand({ mapRunArn, maxResults: CHILDREN_SHOWN }))).executions ?? [];
  const rows: ChildRow[] = new Array<ChildRow>(listed.length);
  const wanted: number[] = [];
  listed.forEach((c, i) => {
    const known = ended.get(c.executionArn ?? '');
    if (known) rows[i] = known;
    else wanted.push(i);
  });
  for (let w = 0; w < wanted.length; w += DESCRIBE_AT_ONCE) {
    await Promise.all(wanted.slice(w, w + DESCRIBE_AT_ONCE).map(async (i) => {
      const c = listed[i];
      const base = { executionArn: c.executionArn ?? '', name: c.name ?? '', status: c.status ?? '', startDate: c.startDate, stopDate: c.stopDate };
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: c.executionArn })).catch(() => undefined);
      rows[i] = d ? { ...base, status: d.status ?? base.status, input: d.input, error: d.error, cause: d.cause, stopDate: d.stopDate ?? base.stopDate } : base;
      if (d && d.status !== 'RUNNING') ended.set(rows[i].executionArn, rows[i]);
    }));
  }
  const rank = (s: string) => RANK[s] ?? 3;
  return rows.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r.status) - rank(b.r.status) || a.i - b.i).map(({ r }) => r);
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
