/**
 * References between files: a workflow job's `jobDefinition` and `jobQueue`, and a queue's
 * `computeEnvironmentOrder[].computeEnvironment`. ARNs are accepted as they are (the resource may
 * exist only on AWS); names must be defined in the workspace (`local` is the built-in local queue).
 */
import { LOCAL_QUEUE_NAME } from '../../types';
import { asArr, asStr, prop } from '../../values';
import { isArn, parseRef } from '../../workspace';
import { didYouMean, type WorkspaceRule } from './context';

export const unknownJobDefinition: WorkspaceRule = ({ ws, report, closest }) => {
  for (const job of ws.workflowJobs()) {
    const ref = asStr(job.value.jobDefinition);
    if (ref === undefined || isArn(ref) || ws.jobDefinition(ref)) continue;
    const parsed = parseRef(ref, 'job-definition');
    const name = parsed?.name ?? ref;
    const best = closest(name, ws.jobDefinitions.keys());
    // The replacement keeps a `:revision` the reference has.
    const replacement = best === undefined ? undefined : parsed?.revision !== undefined ? `${best}:${parsed.revision}` : best;
    report('error', job.workflow.doc, [...job.path, 'jobDefinition'], 'unknown-job-definition',
      `Job '${job.key}' uses the job definition '${name}', which is not defined in the workspace${didYouMean(best)}`, 'value', replacement);
  }
};

export const unknownJobQueue: WorkspaceRule = ({ ws, report, closest }) => {
  for (const job of ws.workflowJobs()) {
    const ref = asStr(job.value.jobQueue);
    if (ref === undefined || ref === LOCAL_QUEUE_NAME || isArn(ref) || ws.jobQueue(ref)) continue;
    const best = closest(ref, [...ws.jobQueues.keys(), LOCAL_QUEUE_NAME]);
    report('error', job.workflow.doc, [...job.path, 'jobQueue'], 'unknown-job-queue',
      `Job '${job.key}' uses the job queue '${ref}', which is not defined in the workspace${didYouMean(best)}`, 'value', best);
  }
};

export const unknownComputeEnvironment: WorkspaceRule = ({ ws, report, closest }) => {
  for (const queue of ws.jobQueues.values()) {
    asArr(queue.value.computeEnvironmentOrder)?.forEach((item, i) => {
      const ref = asStr(prop(item, 'computeEnvironment'));
      if (ref === undefined || isArn(ref) || ws.computeEnvironment(ref)) return;
      const best = closest(ref, ws.computeEnvironments.keys());
      report('error', queue.doc, ['computeEnvironmentOrder', i, 'computeEnvironment'], 'unknown-compute-environment',
        `Job queue '${queue.name}' uses the compute environment '${ref}', which is not defined in the workspace${didYouMean(best)}`, 'value', best);
    });
  }
};
