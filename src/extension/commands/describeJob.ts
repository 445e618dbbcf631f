import { DescribeJobsCommand, type JobDetail } from '@aws-sdk/client-batch';
import { UserError } from '../errors';
import type { JobNode } from '../views/jobNodes';

export async function describeJob(node: JobNode): Promise<JobDetail> {
  const res = await node.target.batch.send(new DescribeJobsCommand({ jobs: [node.job.jobId!] }));
  const job = res.jobs?.[0];
  if (!job) throw new UserError(`Job ${node.job.jobId} is no longer known to the ${node.target.label}.`);
  return job;
}
