/**
 * Create/Update/Delete/DescribeJobQueues (status CREATING → VALID as the engine settles it) and
 * GetJobQueueSnapshot.
 */
import type { CreateJobQueueRequest, FrontOfQueueJobSummary, JobQueueDetail, UpdateJobQueueRequest } from '@aws-sdk/client-batch';
import { queueUtilization } from '../core/capacityUsage';
import { jobArnOf } from '../core/detail';
import type { BatchEngine } from '../core/engine';
import type { JobRecord } from '../core/jobs';
import { validateTags } from '../core/tags';
import { ClientException } from '../../edge/errors';
import type { BatchHandlers } from './routes';
import { asInput, checkShapes, oneOf, optionalInteger, optionalString, requiredString, stringList, type Input } from './input';
import { decodeToken, fingerprint, pageOfArray, pageSize } from './pagination';

const STATES = ['ENABLED', 'DISABLED'] as const;
const FRONT_OF_QUEUE = 100;

function withTags(engine: BatchEngine, d: JobQueueDetail): JobQueueDetail {
  const tags = d.jobQueueArn ? engine.tags.get(d.jobQueueArn) : undefined;
  return tags ? { ...d, tags } : d;
}

function checkCommon(engine: BatchEngine, input: Input): void {
  oneOf(input, 'state', STATES);
  optionalInteger(input, 'priority');
  checkShapes(input, ['computeEnvironmentOrder', 'jobStateTimeLimitActions'], []);
  const policy = optionalString(input, 'schedulingPolicyArn');
  if (policy !== undefined && !engine.schedulingPolicies.find(policy)) throw new ClientException(`Scheduling policy ${policy} does not exist`);
  checkShapes(input, ['serviceEnvironmentOrder'], []);
  for (const e of (input.computeEnvironmentOrder as unknown[] | undefined) ?? []) {
    const o = e as { order?: unknown; computeEnvironment?: unknown } | null;
    if (o === null || typeof o !== 'object' || typeof o.computeEnvironment !== 'string' || typeof o.order !== 'number' || !Number.isInteger(o.order)) {
      throw new ClientException('computeEnvironmentOrder entries must be {order: integer, computeEnvironment: string}');
    }
  }
}

/** The first RUNNABLE jobs of a queue (array children included), in the order they would start. */
function frontOfQueue(engine: BatchEngine, jobQueue: string): JobRecord[] {
  const runnable: JobRecord[] = [...engine.jobsWhere({ jobQueue }, 'RUNNABLE')];
  for (const parent of engine.jobsWhere({ jobQueue }, 'PENDING')) {
    if (!parent.children || !parent.summary?.RUNNABLE) continue;
    for (const c of parent.children) if (c.status === 'RUNNABLE') runnable.push(c);
  }
  const priority = (j: JobRecord) => j.plan.schedulingPriority ?? 0;
  runnable.sort((a, b) => priority(b) - priority(a) || a.createdAt - b.createdAt || (a.index ?? 0) - (b.index ?? 0));
  return runnable.slice(0, FRONT_OF_QUEUE);
}

export function jobQueueHandlers(engine: BatchEngine): BatchHandlers {
  return {
    CreateJobQueue(raw) {
      const input = asInput(raw);
      requiredString(input, 'jobQueueName');
      if (input.priority === undefined) throw new ClientException('priority is required');
      checkCommon(engine, input);
      oneOf(input, 'jobQueueType', ['ECS', 'ECS_FARGATE', 'ECS_MANAGED_INSTANCES', 'EKS', 'SAGEMAKER_TRAINING']);
      const service = input.jobQueueType === 'SAGEMAKER_TRAINING' || (input.jobQueueType === undefined && Array.isArray(input.serviceEnvironmentOrder) && input.serviceEnvironmentOrder.length > 0);
      if (!service && !(input.computeEnvironmentOrder as unknown[] | undefined)?.length) throw new ClientException('computeEnvironmentOrder must name at least one compute environment');
      const policy = typeof input.schedulingPolicyArn === 'string' ? engine.schedulingPolicies.find(input.schedulingPolicyArn) : undefined;
      if (!service && policy?.quotaSharePolicy) throw new ClientException('A quota-share scheduling policy is only for SAGEMAKER_TRAINING job queues: use a fair-share policy for a queue of compute environments');
      if (input.tags !== undefined) validateTags(input.tags);
      return engine.createJobQueue(input as unknown as CreateJobQueueRequest);
    },

    UpdateJobQueue(raw) {
      const input = asInput(raw);
      requiredString(input, 'jobQueue');
      checkCommon(engine, input);
      return engine.updateJobQueue(input as unknown as UpdateJobQueueRequest);
    },

    DeleteJobQueue(raw) {
      const ref = requiredString(asInput(raw), 'jobQueue');
      const [q] = engine.describeJobQueues([ref]);
      engine.deleteJobQueue(ref);
      if (q?.jobQueueArn) engine.tags.delete(q.jobQueueArn);
      return {};
    },

    DescribeJobQueues(raw) {
      const input = asInput(raw);
      const names = stringList(input, 'jobQueues', 100);
      const size = pageSize(input.maxResults, 100);
      const fp = fingerprint('DescribeJobQueues', names ?? null);
      const page = pageOfArray(engine.describeJobQueues(names), decodeToken(input.nextToken, fp), size, fp);
      const out: { jobQueues: JobQueueDetail[]; nextToken?: string } = { jobQueues: page.items.map((d) => withTags(engine, d)) };
      if (page.nextToken) out.nextToken = page.nextToken;
      return out;
    },

    GetJobQueueSnapshot(raw) {
      const ref = requiredString(asInput(raw), 'jobQueue');
      if (engine.describeJobQueues([ref]).length === 0) throw new ClientException(`Job queue ${ref} does not exist`);
      // The engine does not record when a job reached its position; its creation time stands in.
      const jobs: FrontOfQueueJobSummary[] = frontOfQueue(engine, ref).map((j) => ({ jobArn: jobArnOf(engine.partition, j), earliestTimeAtPosition: j.createdAt }));
      const [q] = engine.describeJobQueues([ref]);
      const holding = [...engine.allJobs()].filter((j) => j.plan.queue.name === q.jobQueueName && !j.children && (j.status === 'STARTING' || j.status === 'RUNNING'));
      const service = [...engine.services.jobs.jobs.values()].filter((j) => j.queueName === q.jobQueueName && (j.status === 'SCHEDULED' || j.status === 'STARTING' || j.status === 'RUNNING'));
      const frontOfQuotaShares = engine.services.frontOfQuotaShares(q.jobQueueName!, engine.clock.now());
      const utilization = queueUtilization(holding, service, engine.clock.now());
      const quotaShareUtilization = engine.services.quotaShareUtilization(q.jobQueueName!);
      return { frontOfQueue: { jobs, lastUpdatedAt: engine.clock.now() }, ...(frontOfQuotaShares ? { frontOfQuotaShares } : {}), queueUtilization: quotaShareUtilization ? { ...utilization, quotaShareUtilization } : utilization };
    },
  };
}
