/** The Local view's job rows: a run's jobs (a page, then "Load more…") and an array job's children. */
import { listAllJobs } from '../../client/run-list';
import type { EmulatorRun } from '../emulator/runs';
import { errorMessage } from '../errors';
import { jobNode, type ErrorNode, type JobNode, type JobTarget, type MoreNode } from './jobNodes';

/** The first `limit` jobs of `run` (in the run's order) under the run's node `runNode`, then "Load more…" if it has more. */
export function runJobNodes(run: EmulatorRun, runNode: { readonly id: string; readonly target: JobTarget }, limit: number): Array<JobNode | MoreNode> {
  const jobs: Array<JobNode | MoreNode> = run.jobs.slice(0, limit).map((job) => jobNode(job, runNode.target));
  if (run.jobs.length <= limit) return jobs;
  return [...jobs, { kind: 'more', id: `more:${runNode.id}`, view: 'local', listKey: runNode.id, description: `${limit} of ${run.jobs.length} jobs shown` }];
}

/** An array job's children by index (the first `limit`, then "Load more…" under `key`), or an error row. */
export async function arrayChildren(node: JobNode, key: string, limit: number): Promise<Array<JobNode | MoreNode | ErrorNode>> {
  try {
    const slice = await listAllJobs(node.target.batch, { arrayJobId: node.job.jobId! }, limit);
    const sorted = [...slice.jobs].sort((a, b) => (a.arrayProperties?.index ?? 0) - (b.arrayProperties?.index ?? 0));
    const jobs: Array<JobNode | MoreNode> = sorted.map((job) => jobNode(job, node.target));
    return slice.more ? [...jobs, { kind: 'more', id: `more:${key}`, view: 'local', listKey: key }] : jobs;
  } catch (err) {
    return [{ kind: 'error', id: `error:${node.id}`, message: `Could not list: ${errorMessage(err)}` }];
  }
}
