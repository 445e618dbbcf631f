import type { Ctx } from '../ctx';
import { anyJobArg } from './jobArg';

/** Opens the job's DescribeJobs answer as a read-only JSON document with ISO-8601 times. */
export async function showJobDetails(ctx: Ctx, ...args: unknown[]): Promise<void> {
  await ctx.jobDocuments.show(await anyJobArg(ctx, args));
}
