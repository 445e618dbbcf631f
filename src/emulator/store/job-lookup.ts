/**
 * Finds a job's log streams in saved state (`state.json`), for `localbatch logs` when no emulator
 * is running. Accepts a top-level job id or an array child id `<parent>:<index>`.
 */
import { logGroupOf } from '../batch/core/logs';
import { childAt, parseChildId } from '../batch/core/job-ids';
import type { EngineSnapshot, JobFields } from '../batch/core/snapshot';

export interface SavedJobLogs {
  readonly jobName: string;
  readonly status: string;
  readonly statusReason?: string;
  /** Set on an array job's parent: how many children it has (their logs are theirs). */
  readonly arraySize?: number;
  /** The log group of its streams (the job definition's awslogs-group, else /aws/batch/job). */
  readonly logGroupName: string;
  /** One stream name per attempt, in attempt order (undefined where an attempt never ran). */
  readonly attemptStreams: ReadonlyArray<string | undefined>;
  /** A multi-container job's containers per attempt, with their streams. */
  readonly attemptContainers: ReadonlyArray<ReadonlyArray<{ readonly name: string; readonly stream?: string }>>;
}

export function savedJobLogs(snapshot: EngineSnapshot, jobId: string): SavedJobLogs | undefined {
  const id = jobId.replace(/^arn:[^:]*:batch:[^:]*:[^:]*:job\//, '');
  const child = snapshot.jobs.some((j) => j.id === id) ? undefined : parseChildId(id);
  const top = snapshot.jobs.find((j) => j.id === (child?.parentId ?? id));
  if (!top) return undefined;
  const fields: JobFields | undefined = child ? childAt(top.children, child.index) : top;
  if (!fields) return undefined;
  const definition = snapshot.jobDefinitions?.find((d) => d.jobDefinitionArn === top.jobDefinitionArn);
  return {
    jobName: top.request.jobName ?? id,
    status: fields.status,
    ...(fields.statusReason !== undefined ? { statusReason: fields.statusReason } : {}),
    ...(!child && top.request.arrayProperties?.size !== undefined ? { arraySize: top.request.arrayProperties.size } : {}),
    logGroupName: definition ? logGroupOf(definition) : '/aws/batch/job',
    attemptStreams: (fields.attempts ?? []).map((a) => a.container?.logStreamName),
    attemptContainers: (fields.attempts ?? []).map((a) => (a.taskProperties?.[0]?.containers ?? []).map((c) => ({ name: c.name ?? '', stream: c.logStreamName }))),
  };
}

/** The size of the array job `parentId` (undefined when it is not a saved array job). */
export function savedArraySize(snapshot: EngineSnapshot, parentId: string): number | undefined {
  return snapshot.jobs.find((j) => j.id === parentId)?.request.arrayProperties?.size;
}
