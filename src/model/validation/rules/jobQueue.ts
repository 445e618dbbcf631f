/** Job queue files (`*.jobqueue.*`): a CreateJobQueue request. */
import type { Reporter } from '../reporter';
import { checkName, checkTags } from './names';
import { arr, get, has, int, isObj, str } from './util';

export const MAX_QUEUE_COMPUTE_ENVIRONMENTS = 3;
export const MIN_TIME_LIMIT_SECONDS = 600;
export const MAX_TIME_LIMIT_SECONDS = 86_400;

export function checkJobQueue(doc: unknown, r: Reporter): void {
  if (!isObj(doc)) return;
  checkName(get(doc, 'jobQueueName'), 'jobQueueName', ['jobQueueName'], r);
  const order = arr(get(doc, 'computeEnvironmentOrder'));
  if (order) {
    // M:CreateJobQueueRequest.computeEnvironmentOrder: "You can associate up to three compute environments with a job queue."
    if (order.length > MAX_QUEUE_COMPUTE_ENVIRONMENTS) {
      r.error(['computeEnvironmentOrder'], 'queue-compute-environment-limit', `computeEnvironmentOrder lists ${order.length} compute environments; a job queue can use at most ${MAX_QUEUE_COMPUTE_ENVIRONMENTS}`, 'key');
    }
    // M:ComputeEnvironmentOrder.order: compute environments are tried in ascending order, so each order is distinct.
    const seen = new Map<number, number>();
    order.forEach((entry, i) => {
      const n = int(get(entry, 'order'));
      if (n === undefined) return;
      const first = seen.get(n);
      if (first !== undefined) {
        r.error(['computeEnvironmentOrder', i, 'order'], 'queue-order-duplicate', `order ${n} is used twice in computeEnvironmentOrder (entries ${first + 1} and ${i + 1}); give each compute environment a distinct order`);
      } else seen.set(n, i);
    });
  }
  // M:CreateJobQueueRequest.serviceEnvironmentOrder: "A job queue can't have both a serviceEnvironmentOrder and a computeEnvironmentOrder field."
  if (has(doc, 'computeEnvironmentOrder') && has(doc, 'serviceEnvironmentOrder')) {
    r.error(['serviceEnvironmentOrder'], 'queue-environment-order-conflict', 'a job queue cannot have both serviceEnvironmentOrder and computeEnvironmentOrder; keep one', 'key');
  }
  const sagemaker = get(doc, 'jobQueueType') === 'SAGEMAKER_TRAINING';
  arr(get(doc, 'jobStateTimeLimitActions'))?.forEach((action, i) => {
    const at = ['jobStateTimeLimitActions', i];
    // M:JobStateTimeLimitAction.maxTimeSeconds: "The minimum value is 600 (10 minutes) and the maximum value is 86,400 (24 hours)."
    const seconds = int(get(action, 'maxTimeSeconds'));
    if (seconds !== undefined && (seconds < MIN_TIME_LIMIT_SECONDS || seconds > MAX_TIME_LIMIT_SECONDS)) {
      r.error([...at, 'maxTimeSeconds'], 'queue-time-limit-seconds', `maxTimeSeconds is ${seconds}; AWS Batch allows ${MIN_TIME_LIMIT_SECONDS} (10 minutes) to ${MAX_TIME_LIMIT_SECONDS} (24 hours)`);
    }
    // M:JobStateTimeLimitAction.action: CANCEL for ECS, FARGATE or EKS queues; TERMINATE for SAGEMAKER_TRAINING queues.
    const verb = str(get(action, 'action'));
    const expected = sagemaker ? 'TERMINATE' : 'CANCEL';
    if ((verb === 'CANCEL' || verb === 'TERMINATE') && verb !== expected) {
      const kind = sagemaker ? 'a SAGEMAKER_TRAINING job queue' : 'a job queue of compute environments (ECS, Fargate or EKS)';
      r.error([...at, 'action'], 'queue-time-limit-action', `action is ${verb}, but the only action supported for ${kind} is ${expected}`);
    }
  });
  checkTags(get(doc, 'tags'), ['tags'], r);
}
