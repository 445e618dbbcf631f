import type { Ctx } from '../ctx';
import { isJobNode, type JobNode } from '../views/jobNodes';
import { isServiceJobNode, type ServiceJobNode } from '../views/serviceJobNodes';

/**
 * The Batch job a job command acts on: the row it was run from, or, run with no arguments (a
 * keybinding, the Command Palette), the job selected in the Local or AWS view (views/jobSelection.ts).
 */
export function jobArg(ctx: Ctx, args: readonly unknown[]): Promise<JobNode> {
  return ctx.jobSelection.resolve(args, isJobNode);
}

/** The same for commands that also act on a SageMaker training service job (details, terminate, copy id/ARN). */
export function anyJobArg(ctx: Ctx, args: readonly unknown[]): Promise<JobNode | ServiceJobNode> {
  return ctx.jobSelection.resolve(args, (n): n is JobNode | ServiceJobNode => isJobNode(n) || isServiceJobNode(n));
}
