/**
 * How the composition root builds Step Functions: the service, its journal, and the Task runner
 * that reaches Batch through the Batch API's own handlers and job events (never its internals).
 */
import type { Clock } from '../batch/core/ports';
import { StatesError } from './core/errors';
import { StatesService } from './service';
import { fileJournal, memoryJournal } from './store';
import { batchParameterProblem, isBatchResource, runBatchTask, type BatchPort } from './tasks/batch';
import type { LocalAws } from './tasks/local-aws';
import { isMocked, mockedResponse, type MockConfig } from './tasks/mocks';
import { isLocalServiceResource, localItemReader, localResultWriter, runLocalServiceTask } from './tasks/services';
import { isSnsPublish, runSnsPublish, type SnsPort } from './tasks/sns';

export interface StatesWiring {
  readonly clock: Clock;
  readonly account: string;
  readonly region: string;
  /** Where states.jsonl lives; undefined keeps everything in memory. */
  readonly stateDir?: string;
  readonly batch: BatchPort;
  /** Step Functions Local's mock file (SFN_MOCK_CONFIG), already read and checked. */
  readonly mocks?: MockConfig;
  /** The local SNS (its public publish), for sns:publish tasks; without it they need a mock. */
  readonly sns?: SnsPort;
  /** The emulator's own S3 and EventBridge through their APIs (ItemReader, ResultWriter, their Tasks). */
  readonly aws?: LocalAws;
  /** The server's log. */
  readonly log?: (line: string) => void;
}

export function createStatesService(w: StatesWiring): StatesService {
  const svc = new StatesService({
    clock: w.clock,
    account: w.account,
    region: w.region,
    journal: w.stateDir ? fileJournal(w.stateDir) : memoryJournal(),
    ...(w.log ? { log: w.log } : {}),
    runTask: async (inv, memory, execution) => {
      const mocked = mockedResponse(w.mocks, execution.stateMachineName, execution.testCase, inv.stateName, execution.invocation);
      if (mocked.found) return mocked.value;
      if (isBatchResource(inv.resource)) return runBatchTask(inv, w.batch, memory);
      if (w.sns && isSnsPublish(inv.resource)) return runSnsPublish(inv, w.sns, memory);
      if (w.aws && isLocalServiceResource(inv.resource)) return runLocalServiceTask(inv, w.aws, memory);
      throw new StatesError(
        'States.Runtime',
        `localbatch has no stand-in for the resource '${inv.resource}' of the state '${inv.stateName}': AWS Batch tasks, SNS Publish, EventBridge PutEvents and S3 getObject/putObject/listObjectsV2 run locally; for other services, ` +
          `add the state to a Step Functions Local mock file (SFN_MOCK_CONFIG=<file>: StateMachines.${execution.stateMachineName}.TestCases.<TestCase>.${inv.stateName} = <MockedResponses name>) ` +
          `and start the execution on '<stateMachineArn>#<TestCase>'`,
      );
    },
    checkTask: (inv, execution) => (isMocked(w.mocks, execution.stateMachineName, execution.testCase, inv.stateName) ? undefined : batchParameterProblem(inv.resource, inv.parameters, w.batch)),
    ...(w.aws ? { readItems: localItemReader(w.aws), writeResults: localResultWriter(w.aws), onClose: () => w.aws?.close() } : {}),
  });
  svc.restore();
  return svc;
}
