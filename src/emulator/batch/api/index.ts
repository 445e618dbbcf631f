/**
 * The AWS Batch operations of the service model adapted to the engine: request checks and
 * response shapes as AWS has them, errors as ClientException. `batchHandlers(engine)` is what
 * `startApiServer({ batch })` takes.
 *
 * Not implemented (the server answers "localbatch does not implement <Op> yet"): quota shares,
 * service environments and service jobs (Create/Describe/Update/Delete/List of each,
 * SubmitServiceJob, TerminateServiceJob, ...).
 */
import type { BatchEngine } from '../core/engine';
import type { BatchHandlers } from './routes';
import { computeEnvironmentHandlers } from './compute-environments';
import { consumableResourceHandlers } from './consumable-resources';
import { jobDefinitionHandlers } from './job-definitions';
import { jobQueueHandlers } from './job-queues';
import { jobHandlers } from './jobs';
import { listJobs } from './list-jobs';
import { schedulingPolicyHandlers } from './scheduling-policies';
import { tagHandlers } from './tags';

export function batchHandlers(engine: BatchEngine): BatchHandlers {
  return {
    ...jobHandlers(engine),
    ListJobs: (input) => listJobs(engine, input),
    ...jobDefinitionHandlers(engine),
    ...jobQueueHandlers(engine),
    ...computeEnvironmentHandlers(engine),
    ...schedulingPolicyHandlers(engine),
    ...tagHandlers(engine),
    ...consumableResourceHandlers(engine),
  };
}
