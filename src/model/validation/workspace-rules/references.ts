/**
 * References between files: a workflow job's `jobDefinition` and `jobQueue`, and a queue's
 * `computeEnvironmentOrder[].computeEnvironment`. ARNs are accepted as they are (the resource may
 * exist only on AWS); names must be defined in the workspace (`local` is the built-in local queue).
 */
import { LOCAL_QUEUE_NAME } from '../../types';
import { asArr, asStr, prop } from '../../values';
import { isArn, parseRef } from '../../workspace';
import type { WorkspaceRule } from './context';

export const unknownJobDefinition: WorkspaceRule = ({ ws, report, suggest }) => {
  for (const job of ws.workflowJobs()) {
    const ref = asStr(job.value.jobDefinition);
    if (ref === undefined || isArn(ref) || ws.jobDefinition(ref)) continue;
    const name = parseRef(ref, 'job-definition')?.name ?? ref;
    report('error', job.workflow.doc, [...job.path, 'jobDefinition'], 'unknown-job-definition',
      `Job '${job.key}' uses the job definition '${name}', which is not defined in the workspace${suggest(name, ws.jobDefinitions.keys())}`);
  }
};

export const unknownJobQueue: WorkspaceRule = ({ ws, report, suggest }) => {
  for (const job of ws.workflowJobs()) {
    const ref = asStr(job.value.jobQueue);
    if (ref === undefined || ref === LOCAL_QUEUE_NAME || isArn(ref) || ws.jobQueue(ref)) continue;
    report('error', job.workflow.doc, [...job.path, 'jobQueue'], 'unknown-job-queue',
      `Job '${job.key}' uses the job queue '${ref}', which is not defined in the workspace${suggest(ref, [...ws.jobQueues.keys(), LOCAL_QUEUE_NAME])}`);
  }
};

export const unknownComputeEnvironment: WorkspaceRule = ({ ws, report, suggest }) => {
  for (const queue of ws.jobQueues.values()) {
    asArr(queue.value.computeEnvironmentOrder)?.forEach((item, i) => {
      const ref = asStr(prop(item, 'computeEnvironment'));
      if (ref === undefined || isArn(ref) || ws.computeEnvironment(ref)) return;
      report('error', queue.doc, ['computeEnvironmentOrder', i, 'computeEnvironment'], 'unknown-compute-environment',
        `Job queue '${queue.name}' uses the compute environment '${ref}', which is not defined in the workspace${suggest(ref, ws.computeEnvironments.keys())}`);
    });
  }
};
