/** Reads a job's CloudWatch log stream (local emulator or AWS) and follows it while the job runs. */
import type { JobDetail } from '@aws-sdk/client-batch';
import { GetLogEventsCommand, type CloudWatchLogsClient, type OutputLogEvent } from '@aws-sdk/client-cloudwatch-logs';

export const BATCH_LOG_GROUP = '/aws/batch/job';

/** The log group of a job's streams, as DescribeJobs shows it: its awslogs `awslogs-group`, else /aws/batch/job. */
export function logGroupOfJob(job: Pick<JobDetail, 'container'>): string {
  const config = job.container?.logConfiguration;
  return (config?.logDriver === 'awslogs' && config.options?.['awslogs-group']) || BATCH_LOG_GROUP;
}

export interface FollowOptions {
  readonly logGroupName?: string;
  readonly logStreamName: string;
  /** Called with each batch of new events, oldest first. */
  readonly onEvents: (events: OutputLogEvent[]) => void;
  /** Whether the job has finished; checked when the stream has nothing new. */
  readonly isFinished: () => Promise<boolean>;
  readonly signal: AbortSignal;
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Reads the stream from the start, then keeps asking for newer events until the job has finished
 * and one more read found nothing (so the last lines are not lost), or the signal aborts.
 */
export async function followLogStream(logs: CloudWatchLogsClient, o: FollowOptions): Promise<void> {
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  let nextToken: string | undefined;
  let finishedSeen = false;
  while (!o.signal.aborted) {
    const page = await logs.send(new GetLogEventsCommand({ logGroupName: o.logGroupName ?? BATCH_LOG_GROUP, logStreamName: o.logStreamName, startFromHead: true, nextToken }), { abortSignal: o.signal });
    const events = page.events ?? [];
    if (events.length > 0 && !o.signal.aborted) o.onEvents(events);
    // GetLogEvents returns the same token when there is nothing newer.
    const drained = events.length === 0 || page.nextForwardToken === nextToken;
    nextToken = page.nextForwardToken ?? nextToken;
    if (!drained) continue;
    if (finishedSeen) return;
    finishedSeen = await o.isFinished();
    if (!finishedSeen) await sleep(o.pollMs ?? 1000);
  }
}
