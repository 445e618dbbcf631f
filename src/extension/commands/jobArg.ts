import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { isJobNode, type JobNode } from '../views/jobNodes';
import { isServiceJobNode, type ServiceJobNode } from '../views/serviceJobNodes';

const NO_JOB = 'Select a job in the Local or AWS view, or run this command from a job\'s context menu.';

/**
 * The job a job command acts on: the one its context menu was opened on, else (a keybinding, the
 * Command Palette, or a menu whose row was just redrawn) the job selected in the Local or AWS view.
 */
export function jobArg(ctx: Ctx, arg: unknown): JobNode {
  if (isJobNode(arg)) return arg;
  const selected = arg === undefined || arg === null ? ctx.jobSelection.current() : undefined;
  if (isJobNode(selected)) return selected;
  throw new UserError(NO_JOB);
}

/** Commands that also act on a SageMaker training service job (details, terminate, copy id/ARN). */
export function anyJobArg(ctx: Ctx, arg: unknown): JobNode | ServiceJobNode {
  if (isServiceJobNode(arg) || isJobNode(arg)) return arg;
  const selected = arg === undefined || arg === null ? ctx.jobSelection.current() : undefined;
  if (isServiceJobNode(selected) || isJobNode(selected)) return selected;
  throw new UserError(NO_JOB);
}
