import type { Ctx } from '../ctx';
import { anyJobArg } from './jobArg';

/** Opens the job's DescribeJobs answer as a read-only JSON document with ISO-8601 times. */
export async function showJobDetails(ctx: Ctx, arg: unknown): Promise<void> {
  await ctx.jobDocuments.show(anyJobArg(ctx, arg));
}
