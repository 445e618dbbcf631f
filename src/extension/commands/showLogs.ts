import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { jobArg } from './jobArg';

/** Shows a job's log in its own terminal, following it live until the job finishes. */
export function showLogs(ctx: Ctx, arg: unknown): void {
  const { job, target } = jobArg(ctx, arg);
  if (job.arrayProperties?.size !== undefined && job.arrayProperties.index === undefined) {
    throw new UserError(`'${job.jobName}' is an array job: show the logs of one of its children (expand it in the view).`);
  }
  const title = job.arrayProperties?.index !== undefined ? `${job.jobName} [${job.arrayProperties.index}]` : (job.jobName ?? job.jobId!);
  ctx.jobLogs.show(target, job.jobId!, title);
}
