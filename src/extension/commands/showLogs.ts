import { isFinalJobStatus } from '../../model/types';
import { followLogStream } from '../../client/logs';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { describeJob } from './describeJob';
import { jobArg } from './jobArg';

/** Shows a job's log in the "LocalBatch Job Logs" output, following it live until the job finishes. */
export async function showLogs(ctx: Ctx, arg: unknown): Promise<void> {
  const node = jobArg(arg);
  const job = await describeJob(node);
  const stream = job.container?.logStreamName ?? job.attempts?.at(-1)?.container?.logStreamName;
  if (!stream) throw new UserError(`Job '${job.jobName}' has no log stream yet (status ${job.status}).`);
  const { channel, signal } = ctx.jobLogs.begin();
  channel.appendLine(`# ${job.jobName} (${job.jobId}) — ${node.target.label}, log stream ${stream}`);
  channel.show(true);
  await followLogStream(node.target.logs, {
    logStreamName: stream,
    signal,
    onEvents: (events) => {
      for (const e of events) channel.appendLine(e.message ?? '');
    },
    isFinished: async () => isFinalJobStatus((await describeJob(node)).status),
  });
  if (!signal.aborted) channel.appendLine(`# end of log (job ${(await describeJob(node)).status})`);
}
