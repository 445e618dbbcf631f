/**
 * A running execution's distributed Map, in a few words for a list row: its latest map run
 * (ListMapRuns, newest first) and that run's counts (DescribeMapRun): "Fan 5/8 items, 2 running".
 */
import { DescribeMapRunCommand, ListMapRunsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { mapRunProgressShort } from '../model/map-run-text';
import { mapRunStateName } from './map-run-watch';

/** Undefined when the execution started no map run (or it cannot be read). */
export async function latestMapRunText(sfn: SFNClient, executionArn: string): Promise<string | undefined> {
  try {
    const runs = (await sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns ?? [];
    const latest = [...runs].sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0))[0];
    if (!latest?.mapRunArn) return undefined;
    const d = await sfn.send(new DescribeMapRunCommand({ mapRunArn: latest.mapRunArn }));
    return `${mapRunStateName(latest.mapRunArn)} ${mapRunProgressShort(d.itemCounts)}`;
  } catch {
    return undefined;
  }
}
