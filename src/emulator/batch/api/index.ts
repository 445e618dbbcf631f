/**
 * The AWS Batch operations of the service model adapted to the engine: request checks (every
 * member's JSON type against the model first: request-shapes.ts) and response shapes as AWS has
 * them, errors as ClientException. `batchHandlers(engine)` is what
 * `startApiServer({ batch })` takes.
 * Every operation of the service model has a handler (test/unit/emulator/api/operations-coverage.test.ts).
 */
import type { BatchEngine } from '../core/engine';
import type { BatchHandlers } from './routes';
import { computeEnvironmentHandlers } from './compute-environments';
import { consumableResourceHandlers } from './consumable-resources';
import { jobDefinitionHandlers } from './job-definitions';
import { jobQueueHandlers } from './job-queues';
import { jobHandlers } from './jobs';
import { listJobs } from './list-jobs';
import { quotaShareHandlers } from './quota-shares';
import { schedulingPolicyHandlers } from './scheduling-policies';
import { serviceEnvironmentHandlers } from './service-environments';
import { serviceJobHandlers } from './service-jobs';
import { tagHandlers } from './tags';
import { checkRequestShape } from './request-shapes';

export function batchHandlers(engine: BatchEngine): BatchHandlers {
  const handlers: BatchHandlers = {
    ...jobHandlers(engine),
    ListJobs: (input) => listJobs(engine, input),
    ...jobDefinitionHandlers(engine),
    ...jobQueueHandlers(engine),
    ...computeEnvironmentHandlers(engine),
    ...schedulingPolicyHandlers(engine),
    ...tagHandlers(engine),
    ...consumableResourceHandlers(engine),
    ...serviceEnvironmentHandlers(engine),
    ...serviceJobHandlers(engine),
    ...quotaShareHandlers(engine),
  };
  // Every caller of these handlers (the API, Step Functions, EventBridge and Scheduler targets) gets the model's type checks.
  return Object.fromEntries(
    Object.entries(handlers).map(([operation, handle]) => [
      operation,
      (input: Parameters<typeof handle>[0]) => {
        checkRequestShape(operation, input);
        return handle(input);
      },
    ]),
  ) as BatchHandlers;
}
