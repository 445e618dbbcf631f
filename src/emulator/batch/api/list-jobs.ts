/**
 * ListJobs with AWS's rules: exactly one of jobQueue | arrayJobId | multiNodeJobId; one status
 * (RUNNING by default) unless a filter is given; one filter at a time (JOB_NAME, JOB_DEFINITION,
 * BEFORE_CREATED_AT, AFTER_CREATED_AT, SHARE_IDENTIFIER), which lists every status (except
 * SHARE_IDENTIFIER, which keeps jobStatus) sorted by createdAt, newest first; maxResults up to
 * 1000 (100 with a filter); opaque nextTokens bound to the query.
 *
 * Tokens are cursors (the last job of the page), not offsets: a job that changes status between
 * two pages is neither listed twice nor makes another be skipped. Without a filter a page reads
 * the engine's per-status index (in submission order) from just after the cursor: O(log n + page).
 */
import type { JobSummary, ListJobsRequest } from '@aws-sdk/client-batch';
import { toJobSummary } from '../core/detail';
import type { BatchEngine } from '../core/engine';
import { JOB_STATUSES } from '../../../model/types';
import type { JobRecord, JobStatus } from '../core/jobs';
import { ClientException } from '../../edge/errors';
import { asInput, oneOf, optionalList, optionalString, type Input } from './input';
import { compareKeys } from '../core/jobIndex';
import { decodeCursor, decodeToken, fingerprint, pageAfter, pageOfArray, pageSize, type JobCursor, type Page } from './pagination';

const FILTER_NAMES = ['JOB_NAME', 'JOB_DEFINITION', 'BEFORE_CREATED_AT', 'AFTER_CREATED_AT', 'SHARE_IDENTIFIER'] as const;
type FilterName = (typeof FILTER_NAMES)[number];

interface Filter {
  readonly name: FilterName;
  readonly value: string;
}

function parseFilter(input: Input): Filter | undefined {
  const list = optionalList(input, 'filters');
  if (!list || list.length === 0) return undefined;
  if (list.length > 1) throw new ClientException('Only one filter can be used at a time');
  const f = list[0] as { name?: unknown; values?: unknown } | null;
  if (f === null || typeof f !== 'object') throw new ClientException('filters entries must be {name, values}');
  if (typeof f.name !== 'string' || !(FILTER_NAMES as readonly string[]).includes(f.name)) {
    throw new ClientException(`Filter name must be one of ${FILTER_NAMES.join(', ')}, not ${String(f.name)}`);
  }
  if (!Array.isArray(f.values) || f.values.length !== 1 || typeof f.values[0] !== 'string' || f.values[0] === '') {
    throw new ClientException(`Filter ${f.name} needs exactly one non-empty value`);
  }
  const value = f.values[0];
  if ((f.name === 'BEFORE_CREATED_AT' || f.name === 'AFTER_CREATED_AT') && !/^\d{1,15}$/.test(value)) {
    throw new ClientException(`Filter ${f.name} takes a time in milliseconds since the epoch, not ${value}`);
  }
  if (f.name === 'JOB_DEFINITION' && value.startsWith('arn:') && value.includes('*')) {
    throw new ClientException('An asterisk (*) is not supported in a JOB_DEFINITION filter given as an ARN');
  }
  return { name: f.name as FilterName, value };
}

function prefixMatcher(pattern: string, caseless: boolean): (s: string) => boolean {
  const norm = (s: string) => (caseless ? s.toLowerCase() : s);
  if (pattern.endsWith('*')) {
    const prefix = norm(pattern.slice(0, -1));
    return (s) => norm(s).startsWith(prefix);
  }
  const exact = norm(pattern);
  return (s) => norm(s) === exact;
}

function predicate(f: Filter): (job: JobRecord) => boolean {
  switch (f.name) {
    case 'JOB_NAME': {
      const m = prefixMatcher(f.value, true);
      return (job) => m(job.plan.request.jobName ?? '');
    }
    case 'JOB_DEFINITION': {
      if (f.value.startsWith('arn:')) return (job) => job.plan.jobDefinition.jobDefinitionArn === f.value;
      const colon = f.value.lastIndexOf(':');
      if (colon > 0 && /^\d+$/.test(f.value.slice(colon + 1))) {
        const [name, rev] = [f.value.slice(0, colon), Number(f.value.slice(colon + 1))];
        return (job) => job.plan.jobDefinition.jobDefinitionName === name && job.plan.jobDefinition.revision === rev;
      }
      const m = prefixMatcher(f.value, false);
      return (job) => m(job.plan.jobDefinition.jobDefinitionName ?? '');
    }
    case 'BEFORE_CREATED_AT': {
      const t = Number(f.value);
      return (job) => job.createdAt < t;
    }
    case 'AFTER_CREATED_AT': {
      const t = Number(f.value);
      return (job) => job.createdAt > t;
    }
    case 'SHARE_IDENTIFIER':
      return (job) => job.plan.request.shareIdentifier === f.value;
  }
}

/** Nodes of a multi-node parallel job, as ListJobs shows them (`<jobId>#<node>`). */
function listNodes(engine: BatchEngine, jobId: string, status: JobStatus): JobSummary[] {
  const [job] = engine.describeJobs([jobId]);
  if (!job) throw new ClientException(`Job ${jobId} does not exist`);
  const nodes = job.nodeProperties;
  if (!nodes?.numNodes) throw new ClientException(`Job ${jobId} is not a multi-node parallel job`);
  if (job.status !== status) return [];
  return Array.from({ length: nodes.numNodes }, (_, i) => ({
    jobArn: `${job.jobArn}#${i}`,
    jobId: `${job.jobId}#${i}`,
    jobName: job.jobName,
    createdAt: job.createdAt,
    status: job.status,
    startedAt: job.startedAt,
    stoppedAt: job.stoppedAt,
    jobDefinition: job.jobDefinition,
    nodeProperties: { nodeIndex: i, isMainNode: i === nodes.mainNode, numNodes: nodes.numNodes },
  }));
}

/** The jobs `keep` accepts, newest first, until one created at or before `since` (when given). */
function* matching(jobs: Iterable<JobRecord>, keep: (job: JobRecord) => boolean, since: number | undefined): Generator<JobRecord> {
  for (const job of jobs) {
    if (since !== undefined && job.createdAt <= since) return;
    if (keep(job)) yield job;
  }
}

export function listJobs(engine: BatchEngine, raw: unknown): { jobSummaryList: JobSummary[]; nextToken?: string } {
  const input = asInput(raw);
  const req = input as ListJobsRequest;
  const jobQueue = optionalString(input, 'jobQueue');
  const arrayJobId = optionalString(input, 'arrayJobId');
  const multiNodeJobId = optionalString(input, 'multiNodeJobId');
  const given = [jobQueue, arrayJobId, multiNodeJobId].filter((v) => v !== undefined).length;
  if (given !== 1) throw new ClientException('Exactly one of jobQueue, arrayJobId or multiNodeJobId must be specified');
  const jobStatus = oneOf(input, 'jobStatus', JOB_STATUSES);
  const filter = parseFilter(input);
  const size = pageSize(req.maxResults, filter ? 100 : 1000);
  const fp = fingerprint('ListJobs', [jobQueue ?? null, arrayJobId ?? null, multiNodeJobId ?? null, jobStatus ?? null, filter ?? null]);
  const map = (job: JobRecord) => toJobSummary(engine.partition, job);
  let page: Page<JobSummary>;
  if (multiNodeJobId !== undefined) {
    page = pageOfArray(listNodes(engine, multiNodeJobId, jobStatus ?? 'RUNNING'), decodeToken(req.nextToken, fp), size, fp);
  } else if (!filter) {
    const after = decodeCursor(req.nextToken, fp);
    page = pageAfter(engine.jobsWhere({ jobQueue, arrayJobId }, jobStatus ?? 'RUNNING', after), size, fp, map);
  } else {
    const after = decodeCursor(req.nextToken, fp);
    const status = filter.name === 'SHARE_IDENTIFIER' ? (jobStatus ?? 'RUNNING') : undefined;
    const keep = predicate(filter);
    // Newest first; a page starts after the cursor in that order.
    let source: Iterable<JobRecord>;
    if (jobQueue !== undefined) {
      // The queue's indexes merged newest first: a page reads its own jobs, not the whole queue
      // (AFTER_CREATED_AT stops at the first older job).
      source = matching(engine.jobsNewestFirst(jobQueue, status, after), keep, filter.name === 'AFTER_CREATED_AT' ? Number(filter.value) : undefined);
    } else {
      const newestFirst = (a: JobCursor, b: JobCursor) => compareKeys(b, a);
      const matched: JobRecord[] = [];
      for (const job of engine.jobsWhere({ arrayJobId }, status)) if (keep(job) && (!after || newestFirst(job, after) > 0)) matched.push(job);
      source = matched.sort(newestFirst);
    }
    page = pageAfter(source, size, fp, map);
  }
  return page.nextToken ? { jobSummaryList: page.items, nextToken: page.nextToken } : { jobSummaryList: page.items };
}
