import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { jobArg } from './jobArg';

/** Shows a job's log in its own terminal, following it live until the job finishes. */
export async function showLogs(ctx: Ctx, ...args: unknown[]): Promise<void> {
  const { job, target } = await jobArg(ctx, args);
  if (job.arrayProperties?.size !== undefined && job.arrayProperties.index === undefined) {
    throw new UserError(`'${job.jobName}' is an array job: show the logs of one of its children (expand it in the view).`);
  }
  const title = job.arrayProperties?.index !== undefined ? `${job.jobName} [${job.arrayProperties.index}]` : (job.jobName ?? job.jobId!);
  ctx.jobLogs.show(target, job.jobId!, title);
}
