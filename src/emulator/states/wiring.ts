/**
 * How the composition root builds Step Functions: the service, its journal, and the Task runner
 * that reaches Batch through the Batch API's own handlers and job events (never its internals).
 */
import type { Clock } from '../batch/core/ports';
import { StatesError } from './core/errors';
import { StatesService } from './service';
import { fileJournal, memoryJournal } from './store';
import { isBatchResource, runBatchTask, type BatchPort } from './tasks/batch';

export interface StatesWiring {
  readonly clock: Clock;
  readonly account: string;
  readonly region: string;
  /** Where states.jsonl lives; undefined keeps everything in memory. */
  readonly stateDir?: string;
  readonly batch: BatchPort;
}

export function createStatesService(w: StatesWiring): StatesService {
  const svc = new StatesService({
    clock: w.clock,
    account: w.account,
    region: w.region,
    journal: w.stateDir ? fileJournal(w.stateDir) : memoryJournal(),
    runTask: async (inv, memory) => {
      if (isBatchResource(inv.resource)) return runBatchTask(inv, w.batch, memory);
      throw new StatesError(
        'States.Runtime',
        `localbatch runs no stand-in for the resource '${inv.resource}': it runs AWS Batch tasks (arn:aws:states:::batch:submitJob[.sync], arn:aws:states:::aws-sdk:batch:<action>); other services are not emulated yet`,
      );
    },
  });
  svc.restore();
  return svc;
}
