/** SubmitJob, DescribeJobs, CancelJob, TerminateJob over the engine. */
import type { JobDetail, SubmitJobRequest } from '@aws-sdk/client-batch';
import type { BatchEngine } from '../core/engine';
import { validateTags } from '../core/tags';
import { ClientException } from '../../edge/errors';
import type { BatchHandlers } from './routes';
import { withContainerLists } from './defaults';
import { asInput, checkShapes, optionalInteger, optionalString, requiredString, stringList } from './input';
import { checkResourceValues } from './resource-values';

const SUBMIT_LISTS = ['dependsOn'];
const SUBMIT_OBJECTS = ['arrayProperties', 'parameters', 'containerOverrides', 'nodeOverrides', 'retryStrategy', 'timeout', 'eksPropertiesOverride', 'ecsPropertiesOverride', 'consumableResourcePropertiesOverride'];

/** The job's tags as DescribeJobs shows them: the store's (after TagResource) or the submitted ones. */
export function withTags(engine: BatchEngine, d: JobDetail): JobDetail {
  const tags = d.jobArn ? engine.tags.get(d.jobArn) : undefined;
  const out = tags ? { ...d, tags } : { ...d };
  // AWS lists the container's empty lists (volumes, mountPoints, ...) rather than omitting them.
  if (d.container) out.container = withContainerLists(d.container);
  return out;
}

export function jobHandlers(engine: BatchEngine): BatchHandlers {
  return {
    SubmitJob(raw) {
      const input = asInput(raw);
      requiredString(input, 'jobName');
      requiredString(input, 'jobQueue');
      requiredString(input, 'jobDefinition');
      optionalString(input, 'shareIdentifier');
      optionalInteger(input, 'schedulingPriorityOverride');
      checkShapes(input, SUBMIT_LISTS, SUBMIT_OBJECTS);
      if (input.tags !== undefined) validateTags(input.tags);
      if (input.propagateTags !== undefined && typeof input.propagateTags !== 'boolean') throw new ClientException('propagateTags must be a boolean');
      for (const d of (input.dependsOn as unknown[] | undefined) ?? []) {
        const dep = d as { jobId?: unknown; type?: unknown } | null;
        if (dep === null || typeof dep !== 'object' || (dep.jobId !== undefined && typeof dep.jobId !== 'string')) throw new ClientException('dependsOn entries must be {jobId, type}');
        if (dep.type !== undefined && dep.type !== 'N_TO_N' && dep.type !== 'SEQUENTIAL') throw new ClientException(`dependsOn type must be N_TO_N or SEQUENTIAL, not ${String(dep.type)}`);
      }
      const size = (input.arrayProperties as { size?: unknown } | undefined)?.size;
      if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size))) throw new ClientException('arrayProperties.size must be an integer');
      checkResourceValues({ containerOverrides: input.containerOverrides, nodeOverrides: input.nodeOverrides, ecsPropertiesOverride: input.ecsPropertiesOverride });
      return engine.submitJob(input as unknown as SubmitJobRequest);
    },

    DescribeJobs(raw) {
      const input = asInput(raw);
      const ids = stringList(input, 'jobs', 100, true)!;
      return { jobs: engine.describeJobs(ids).map((d) => withTags(engine, d)) };
    },

    CancelJob(raw) {
      const input = asInput(raw);
      engine.cancelJob(requiredString(input, 'jobId'), requiredString(input, 'reason'));
      return {};
    },

    TerminateJob(raw) {
      const input = asInput(raw);
      engine.terminateJob(requiredString(input, 'jobId'), requiredString(input, 'reason'));
      return {};
    },

    CancelJobs: (raw) => eachJob(raw, (id, reason) => engine.cancelJob(id, reason)),
    TerminateJobs: (raw) => eachJob(raw, (id, reason) => engine.terminateJob(id, reason)),
  };
}

/** The batch forms: up to 50 jobs, one reason; per-job failures are reported, not thrown. */
function eachJob(raw: unknown, act: (jobId: string, reason: string) => void): { successful: string[]; errors: Array<{ job: string; code: string; message: string }> } {
  const input = asInput(raw);
  const jobs = stringList(input, 'jobs', 50, true)!;
  if (jobs.length === 0) throw new ClientException('jobs must list between 1 and 50 job IDs');
  const reason = requiredString(input, 'reason');
  const successful: string[] = [];
  const errors: Array<{ job: string; code: string; message: string }> = [];
  for (const job of jobs) {
    try {
      act(job, reason);
      successful.push(job);
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'ClientException') throw err;
      errors.push({ job, code: 'ClientException', message: err.message });
    }
  }
  return { successful, errors };
}
