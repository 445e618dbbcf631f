import { UserError } from '../errors';
import { isJobNode, type JobNode } from '../views/jobNodes';

/** Job commands run from a job's context menu; from the palette there is no job to act on. */
export function jobArg(arg: unknown): JobNode {
  if (isJobNode(arg)) return arg;
  throw new UserError('Run this command from a job in the Local or AWS view.');
}
