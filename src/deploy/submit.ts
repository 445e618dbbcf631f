/**
 * Submits a workflow of the workspace to AWS Batch: job definitions named without a revision resolve
 * to their latest ACTIVE revision there, queues must exist there, and the jobs are submitted in
 * dependency order with `dependsOn` names mapped to the job ids AWS returns.
 */
import { DescribeJobDefinitionsCommand, SubmitJobCommand, type BatchClient } from '@aws-sdk/client-batch';
import type { WorkflowFile } from '../model/types';
import { planWorkflow, submitPlan, type PlannedJob, type SubmittedJob } from '../model/workflow-plan';
import { parseRef, Workspace, type WorkflowEntry } from '../model/workspace';
import { activeRevisions, describeJobQueues } from './current';

export class NotDeployedError extends Error {}

export interface SubmitOptions {
  readonly onSubmitted?: (job: SubmittedJob) => void;
  /** Where the user is told to deploy (e.g. `us-east-1`). */
  readonly targetLabel?: string;
}

/** Resolves every reference against the account and returns the jobs in submission order. */
export async function planAwsSubmission(batch: BatchClient, workflow: WorkflowEntry, targetLabel = 'this region'): Promise<PlannedJob[]> {
  const file = workflow.value as unknown as WorkflowFile;
  const deployFirst = `run \`localbatch deploy\` first`;
  const jobDefs = new Map<string, string>();
  const queues = new Set<string>();
  for (const job of workflow.jobs) {
    const q = job.value.jobQueue;
    if (Workspace.isLocalQueue(q)) throw new NotDeployedError(`job '${job.key}' has no jobQueue (or the local queue): name a job queue to submit it to AWS Batch`);
    queues.add(String(q));
    const ref = String(job.value.jobDefinition ?? '');
    if (jobDefs.has(ref)) continue;
    const parsed = parseRef(ref, 'job-definition');
    if (!parsed) throw new NotDeployedError(`job '${job.key}': '${ref}' is not a job definition name, name:revision or ARN`);
    if (parsed.arn || parsed.revision !== undefined) {
      const res = await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitions: [ref] }));
      const found = (res.jobDefinitions ?? []).find((d) => d.status !== 'INACTIVE');
      if (!found?.jobDefinitionArn) throw new NotDeployedError(`job definition ${ref} (job '${job.key}') is not registered or not ACTIVE in ${targetLabel}: ${deployFirst}`);
      jobDefs.set(ref, found.jobDefinitionArn);
    } else {
      const revisions = await activeRevisions(batch, parsed.name);
      const latest = revisions[revisions.length - 1];
      if (!latest?.jobDefinitionArn) throw new NotDeployedError(`job definition ${parsed.name} (job '${job.key}') has no ACTIVE revision in ${targetLabel}: ${deployFirst}`);
      jobDefs.set(ref, latest.jobDefinitionArn);
    }
  }
  const queueNames = [...queues].map((q) => parseRef(q, 'job-queue')?.name ?? q);
  const existing = await describeJobQueues(batch, queueNames);
  const missing = queueNames.filter((q) => !existing.has(q));
  if (missing.length > 0) throw new NotDeployedError(`job queue${missing.length === 1 ? '' : 's'} ${missing.join(', ')} not found in ${targetLabel}: ${deployFirst}`);
  return planWorkflow(file, { defaultQueue: '', resolveJobDefinition: (ref) => jobDefs.get(ref) ?? ref });
}

export async function submitWorkflowToAws(batch: BatchClient, workflow: WorkflowEntry, options: SubmitOptions = {}): Promise<SubmittedJob[]> {
  const plan = await planAwsSubmission(batch, workflow, options.targetLabel);
  return submitPlan(
    plan,
    async (request) => {
      const res = await batch.send(new SubmitJobCommand(request));
      return { jobId: res.jobId, jobName: res.jobName };
    },
    options.onSubmitted,
  );
}
