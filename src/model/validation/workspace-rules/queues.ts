/**
 * Job queues and their compute environments: no mixing of EC2/SPOT with FARGATE/FARGATE_SPOT, one
 * CPU architecture; jobs sent to a DISABLED queue or to a queue whose compute environments are all
 * DISABLED; fair-share queues need a shareIdentifier on every job.
 */
import { asArr, asStr, prop } from '../../values';
import type { DefinitionEntry } from '../../workspace';
import type { WorkspaceRule, WorkspaceRuleContext } from './context';
import { computeCapacity, type Capacity } from './resources';

/** The queue's compute environments that are defined in the workspace, with their index in the order. */
function queueCapacities(ctx: WorkspaceRuleContext, queue: DefinitionEntry): Array<{ index: number; capacity: Capacity }> {
  const out: Array<{ index: number; capacity: Capacity }> = [];
  asArr(queue.value.computeEnvironmentOrder)?.forEach((item, index) => {
    const ref = asStr(prop(item, 'computeEnvironment'));
    const ce = ref === undefined ? undefined : ctx.ws.computeEnvironment(ref);
    if (ce) out.push({ index, capacity: computeCapacity(ce) });
  });
  return out;
}

export const queueComputeMix: WorkspaceRule = (ctx) => {
  for (const queue of ctx.ws.jobQueues.values()) {
    const ces = queueCapacities(ctx, queue);
    const withPlatform = ces.filter((c) => c.capacity.platform !== undefined);
    const odd = withPlatform.find((c) => c.capacity.platform !== withPlatform[0].capacity.platform);
    if (odd) {
      const first = withPlatform[0].capacity;
      ctx.report('error', queue.doc, ['computeEnvironmentOrder', odd.index, 'computeEnvironment'], 'queue-mixed-compute-types',
        `Job queue '${queue.name}' mixes compute environment '${first.name}' (${first.resourceType}) with '${odd.capacity.name}' (${odd.capacity.resourceType}); ` +
          'a queue cannot mix EC2/SPOT with FARGATE/FARGATE_SPOT compute environments');
      continue;
    }
    const withArch = ces.filter((c) => c.capacity.architecture !== undefined);
    const other = withArch.find((c) => c.capacity.architecture !== withArch[0].capacity.architecture);
    if (other) {
      const first = withArch[0].capacity;
      ctx.report('error', queue.doc, ['computeEnvironmentOrder', other.index, 'computeEnvironment'], 'queue-mixed-architectures',
        `Job queue '${queue.name}' mixes compute environment '${first.name}' (${first.architecture}) with '${other.capacity.name}' (${other.capacity.architecture}); ` +
          'all compute environments of a queue must have the same CPU architecture');
    }
  }
};

export const queueUse: WorkspaceRule = (ctx) => {
  for (const job of ctx.ws.workflowJobs()) {
    const ref = asStr(job.value.jobQueue);
    const queue = ref === undefined ? undefined : ctx.ws.jobQueue(ref);
    // SubmitJob refuses a shareIdentifier on a queue without a fair-share policy (the local queue has none)
    if (job.value.shareIdentifier !== undefined && (ref === undefined || (queue && asStr(queue.value.schedulingPolicyArn) === undefined))) {
      ctx.report('error', job.workflow.doc, [...job.path, 'shareIdentifier'], 'share-identifier-unexpected',
        `Job '${job.key}' has a shareIdentifier, but its job queue '${queue?.name ?? 'the local queue'}' has no fair-share scheduling policy (schedulingPolicyArn): AWS Batch refuses it; remove it`);
    }
    if (!queue) continue;
    const at = [...job.path, 'jobQueue'];
    if (prop(queue.value, 'state') === 'DISABLED') {
      ctx.report('warning', job.workflow.doc, at, 'queue-disabled', `Job '${job.key}' is sent to job queue '${queue.name}', which is DISABLED and rejects new jobs`);
    } else {
      const ces = queueCapacities(ctx, queue);
      const total = asArr(queue.value.computeEnvironmentOrder)?.length ?? 0;
      if (ces.length > 0 && ces.length === total && ces.every((c) => c.capacity.disabled)) {
        ctx.report('warning', job.workflow.doc, at, 'compute-environments-disabled',
          `Job '${job.key}' is sent to job queue '${queue.name}', whose compute environments are all DISABLED; the job would stay RUNNABLE until one is enabled`);
      }
    }
    if (asStr(queue.value.schedulingPolicyArn) !== undefined && job.value.shareIdentifier === undefined) {
      ctx.report('error', job.workflow.doc, at, 'share-identifier-required',
        `Job '${job.key}' is sent to the fair-share job queue '${queue.name}' (it has a schedulingPolicyArn), so it needs a shareIdentifier`);
    }
  }
};
