import { UserError } from '../errors';
import { isJobNode, type JobNode } from '../views/jobNodes';
import { isServiceJobNode, type ServiceJobNode } from '../views/serviceJobNodes';

/** Job commands run from a job's context menu; from the palette there is no job to act on. */
export function jobArg(arg: unknown): JobNode {
  if (isJobNode(arg)) return arg;
  throw new UserError('Run this command from a job in the Local or AWS view.');
}

/** Commands that also act on a SageMaker training service job (details, terminate, copy id/ARN). */
export function anyJobArg(arg: unknown): JobNode | ServiceJobNode {
  if (isServiceJobNode(arg)) return arg;
  return jobArg(arg);
}
