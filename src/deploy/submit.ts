/**
 * Submits a workflow of the workspace to AWS Batch: job definitions named without a revision resolve
 * to their latest ACTIVE revision there, queues must exist there, and the jobs are submitted in
 * dependency order with `dependsOn` names mapped to the job ids AWS returns.
 */
import { DescribeJobDefinitionsCommand, SubmitJobCommand, type BatchClient } from '@aws-sdk/client-batch';
import type { WorkflowFile } from '../model/types';
import { planWorkflow, submitPlan, type PlannedJob, type SubmittedJob } from '../model/workflow-plan';
import { deployCommandOf } from '../model/iac';
import { parseRef, Workspace, type DefinitionEntry, type WorkflowEntry } from '../model/workspace';
import { activeRevisions, describeJobQueues } from './current';

export class NotDeployedError extends Error {}

export interface SubmitOptions {
  readonly onSubmitted?: (job: SubmittedJob) => void;
  /** Where the user is told to deploy (e.g. `us-east-1`). */
  readonly targetLabel?: string;
}

/**
 * A workflow's reference to a template resource (by logical id or name) as the name AWS knows it
 * by; a name the deploying tool chooses (CloudFormation adds a random suffix) cannot be known here.
 */
function awsName(entry: DefinitionEntry | undefined, ref: string, jobKey: string): string {
  if (!entry?.origin) return ref;
  const { resource, template } = entry.origin;
  if (resource.generatedName) {
    throw new NotDeployedError(`job '${jobKey}': ${ref} is ${resource.id} of ${entry.doc.file}, which gives it no name; on AWS \`${deployCommandOf(template.tool)}\` chooses one: give the resource a name, or refer to it by ARN`);
  }
  return entry.name;
}

/**
 * Resolves every reference against the account and returns the jobs in submission order. With the
 * workspace, references to template resources (logical ids) become the names they are deployed under.
 */
export async function planAwsSubmission(batch: BatchClient, workflow: WorkflowEntry, targetLabel = 'this region', workspace?: Workspace): Promise<PlannedJob[]> {
  const file = workflow.value as unknown as WorkflowFile;
  const deployFirst = workspace?.templates.length ? `deploy it first (\`localbatch deploy\`, or the tool of the template that defines it)` : `run \`localbatch deploy\` first`;
  const jobDefs = new Map<string, string>();
  const queues = new Set<string>();
  const queueNames = new Map<string, string>();
  for (const job of workflow.jobs) {
    const q = job.value.jobQueue;
    if (Workspace.isLocalQueue(q)) throw new NotDeployedError(`job '${job.key}' has no jobQueue (or the local queue): name a job queue to submit it to AWS Batch`);
    const queue = awsName(workspace?.jobQueue(String(q)), String(q), job.key);
    queueNames.set(String(q), queue);
    queues.add(queue);
    const written = String(job.value.jobDefinition ?? '');
    if (jobDefs.has(written)) continue;
    const entry = workspace?.jobDefinition(written);
    const ref = entry?.origin && !parseRef(written, 'job-definition')?.arn ? awsName(entry, written, job.key) : written;
    if (jobDefs.has(ref)) continue;
    const parsed = parseRef(ref, 'job-definition');
    if (!parsed) throw new NotDeployedError(`job '${job.key}': '${ref}' is not a job definition name, name:revision or ARN`);
    if (parsed.arn || parsed.revision !== undefined) {
      const res = await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitions: [ref] }));
      const found = (res.jobDefinitions ?? []).find((d) => d.status !== 'INACTIVE');
      if (!found?.jobDefinitionArn) throw new NotDeployedError(`job definition ${ref} (job '${job.key}') is not registered or not ACTIVE in ${targetLabel}: ${deployFirst}`);
      jobDefs.set(written, found.jobDefinitionArn);
    } else {
      const revisions = await activeRevisions(batch, parsed.name);
      const latest = revisions[revisions.length - 1];
      if (!latest?.jobDefinitionArn) throw new NotDeployedError(`job definition ${parsed.name} (job '${job.key}') has no ACTIVE revision in ${targetLabel}: ${deployFirst}`);
      jobDefs.set(written, latest.jobDefinitionArn);
    }
  }
  const names = [...queues].map((q) => parseRef(q, 'job-queue')?.name ?? q);
  const existing = await describeJobQueues(batch, names);
  const missing = names.filter((q) => !existing.has(q));
  if (missing.length > 0) throw new NotDeployedError(`job queue${missing.length === 1 ? '' : 's'} ${missing.join(', ')} not found in ${targetLabel}: ${deployFirst}`);
  return planWorkflow(file, { defaultQueue: '', resolveJobDefinition: (ref) => jobDefs.get(ref) ?? ref, resolveJobQueue: (ref) => queueNames.get(ref) ?? ref });
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
