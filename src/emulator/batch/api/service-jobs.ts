/**
 * SubmitServiceJob, DescribeServiceJob, ListServiceJobs (filters JOB_NAME, BEFORE_CREATED_AT,
 * AFTER_CREATED_AT, SHARE_IDENTIFIER, QUOTA_SHARE_NAME), TerminateServiceJob(s), UpdateServiceJob.
 */
import type { SubmitServiceJobRequest } from '@aws-sdk/client-batch';
import { serviceJobArn, SERVICE_JOB_STATUSES, type ServiceJobRecord, type ServiceJobStatus } from '../core/serviceJobs';
import type { BatchEngine } from '../core/engine';
import { validateTags } from '../core/tags';
import { ClientException } from '../../edge/errors';
import type { BatchHandlers } from './routes';
import { asInput, checkShapes, oneOf, optionalInteger, optionalList, optionalString, requiredString, stringList, type Input } from './input';
import { decodeToken, fingerprint, pageOfArray, pageSize } from './pagination';

const FILTERS = ['JOB_NAME', 'BEFORE_CREATED_AT', 'AFTER_CREATED_AT', 'SHARE_IDENTIFIER', 'QUOTA_SHARE_NAME'] as const;

function filterOf(input: Input): ((j: ServiceJobRecord) => boolean) | undefined {
  const list = optionalList(input, 'filters');
  if (!list || list.length === 0) return undefined;
  if (list.length > 1) throw new ClientException('Only one filter can be used at a time');
  const f = list[0] as { name?: unknown; values?: unknown } | null;
  if (f === null || typeof f !== 'object' || typeof f.name !== 'string' || !(FILTERS as readonly string[]).includes(f.name)) {
    throw new ClientException(`Filter name must be one of ${FILTERS.join(', ')}`);
  }
  if (!Array.isArray(f.values) || f.values.length !== 1 || typeof f.values[0] !== 'string' || f.values[0] === '') throw new ClientException(`Filter ${f.name} needs exactly one non-empty value`);
  const value: string = f.values[0];
  switch (f.name) {
    case 'JOB_NAME': {
      const v = value.toLowerCase();
      return v.endsWith('*') ? (j) => j.name.toLowerCase().startsWith(v.slice(0, -1)) : (j) => j.name.toLowerCase() === v;
    }
    case 'BEFORE_CREATED_AT':
    case 'AFTER_CREATED_AT': {
      if (!/^\d{1,15}$/.test(value)) throw new ClientException(`Filter ${f.name} takes a time in milliseconds since the epoch, not ${value}`);
      const t = Number(value);
      return f.name === 'BEFORE_CREATED_AT' ? (j) => j.createdAt < t : (j) => j.createdAt > t;
    }
    case 'SHARE_IDENTIFIER':
      return (j) => j.request.shareIdentifier === value;
    default:
      return (j) => j.request.quotaShareName === value;
  }
}

function jobOf(engine: BatchEngine, ref: string): ServiceJobRecord {
  const job = engine.services.jobs.get(ref);
  if (!job) throw new ClientException(`Job ${ref} does not exist`);
  return job;
}

export function serviceJobHandlers(engine: BatchEngine): BatchHandlers {
  const jobs = engine.services.jobs;
  return {
    SubmitServiceJob(raw) {
      const input = asInput(raw);
      requiredString(input, 'jobName');
      requiredString(input, 'jobQueue');
      requiredString(input, 'serviceRequestPayload');
      requiredString(input, 'serviceJobType');
      optionalString(input, 'shareIdentifier');
      optionalString(input, 'quotaShareName');
      optionalString(input, 'clientToken');
      optionalInteger(input, 'schedulingPriority');
      checkShapes(input, [], ['retryStrategy', 'timeoutConfig', 'tags', 'preemptionConfiguration']);
      if (input.tags !== undefined) validateTags(input.tags);
      const job = jobs.submit(input as unknown as SubmitServiceJobRequest);
      return { jobArn: serviceJobArn(engine.partition, job.id), jobName: job.name, jobId: job.id };
    },

    DescribeServiceJob(raw) {
      return jobs.detailOf(jobOf(engine, requiredString(asInput(raw), 'jobId')));
    },

    ListServiceJobs(raw) {
      const input = asInput(raw);
      const queueRef = optionalString(input, 'jobQueue');
      const status = oneOf(input, 'jobStatus', SERVICE_JOB_STATUSES) as ServiceJobStatus | undefined;
      const filter = filterOf(input);
      const queue = queueRef === undefined ? undefined : engine.describeJobQueues([queueRef])[0];
      if (queueRef !== undefined && !queue) throw new ClientException(`Job queue ${queueRef} does not exist`);
      // With a filter, AWS ignores jobStatus and lists newest first (by createdAt).
      const wanted = filter ? undefined : (status ?? 'RUNNING');
      const all = [...jobs.jobs.values()].filter((j) => (!queue || j.queueName === queue.jobQueueName) && (wanted === undefined || j.status === wanted) && (!filter || filter(j)));
      if (filter) all.reverse().sort((a, b) => b.createdAt - a.createdAt);
      const size = pageSize(input.maxResults, 100);
      const fp = fingerprint('ListServiceJobs', [queueRef ?? null, wanted ?? null, input.filters ?? null]);
      const page = pageOfArray(all, decodeToken(input.nextToken, fp), size, fp);
      const out: { jobSummaryList: unknown[]; nextToken?: string } = { jobSummaryList: page.items.map((j) => jobs.summaryOf(j)) };
      if (page.nextToken) out.nextToken = page.nextToken;
      return out;
    },

    TerminateServiceJob(raw) {
      const input = asInput(raw);
      jobs.terminate(requiredString(input, 'jobId'), requiredString(input, 'reason'));
      return {};
    },

    TerminateServiceJobs(raw) {
      const input = asInput(raw);
      const ids = stringList(input, 'jobs', 100, true)!;
      const reason = requiredString(input, 'reason');
      const successful: string[] = [];
      const errors: Array<{ job: string; code: string; message: string }> = [];
      for (const id of ids) {
        try {
          jobs.terminate(id, reason);
          successful.push(id);
        } catch (e) {
          errors.push({ job: id, code: 'ClientException', message: e instanceof Error ? e.message : String(e) });
        }
      }
      return { successful, errors };
    },

    UpdateServiceJob(raw) {
      const input = asInput(raw);
      const job = jobs.updatePriority(requiredString(input, 'jobId'), input.schedulingPriority);
      return { jobArn: serviceJobArn(engine.partition, job.id), jobName: job.name, jobId: job.id };
    },
  };
}
