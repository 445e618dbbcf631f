import assert from 'node:assert/strict';
import fc from 'fast-check';
import { batchHandlers } from '../../../../src/emulator/batch/api';
import type { OperationName } from '../../../../src/emulator/batch/api/routes';
import { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../../../../src/emulator/runtime/scripted';

/** Request members per operation (from the service model), so random values land where handlers look. */
const MEMBERS: Partial<Record<OperationName, string[]>> = {
  SubmitJob: ['jobName', 'jobQueue', 'jobDefinition', 'arrayProperties', 'dependsOn', 'parameters', 'containerOverrides', 'retryStrategy', 'timeout', 'tags', 'shareIdentifier', 'schedulingPriorityOverride', 'propagateTags'],
  DescribeJobs: ['jobs'],
  ListJobs: ['jobQueue', 'arrayJobId', 'multiNodeJobId', 'jobStatus', 'maxResults', 'nextToken', 'filters'],
  CancelJob: ['jobId', 'reason'],
  TerminateJob: ['jobId', 'reason'],
  RegisterJobDefinition: ['jobDefinitionName', 'type', 'parameters', 'containerProperties', 'retryStrategy', 'timeout', 'tags', 'platformCapabilities'],
  DeregisterJobDefinition: ['jobDefinition'],
  DescribeJobDefinitions: ['jobDefinitions', 'maxResults', 'jobDefinitionName', 'status', 'nextToken'],
  CreateJobQueue: ['jobQueueName', 'state', 'schedulingPolicyArn', 'priority', 'computeEnvironmentOrder', 'tags'],
  UpdateJobQueue: ['jobQueue', 'state', 'priority', 'computeEnvironmentOrder'],
  DeleteJobQueue: ['jobQueue'],
  DescribeJobQueues: ['jobQueues', 'maxResults', 'nextToken'],
  GetJobQueueSnapshot: ['jobQueue'],
  CreateComputeEnvironment: ['computeEnvironmentName', 'type', 'state', 'computeResources', 'tags'],
  UpdateComputeEnvironment: ['computeEnvironment', 'state', 'computeResources'],
  DeleteComputeEnvironment: ['computeEnvironment'],
  DescribeComputeEnvironments: ['computeEnvironments', 'maxResults', 'nextToken'],
  CreateSchedulingPolicy: ['name', 'fairsharePolicy', 'tags'],
  UpdateSchedulingPolicy: ['arn', 'fairsharePolicy'],
  DeleteSchedulingPolicy: ['arn'],
  DescribeSchedulingPolicies: ['arns'],
  ListSchedulingPolicies: ['maxResults', 'nextToken'],
  TagResource: ['resourceArn', 'tags'],
  UntagResource: ['resourceArn', 'tagKeys'],
  ListTagsForResource: ['resourceArn'],
};

const NAMES = ['local', 'hello', 'hello:1', 'arn:aws:batch:us-east-1:000000000000:job-queue/local', 'arn:aws:batch:us-east-1:000000000000:job-definition/hello:1', 'RUNNING', 'JOB_NAME', 'container', 'ENABLED'];
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...NAMES),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.constantFrom(...NAMES)),
  fc.dictionary(fc.constantFrom('name', 'values', 'size', 'type', 'jobId', 'order', 'computeEnvironment', 'image', 'command', 'environment', 'attempts', 'maxvCpus'), fc.jsonValue({ maxDepth: 2 })),
);

describe('Batch handlers under random input (unit)', () => {
  it('answer every malformed request with a ClientException, never another error', function () {
    this.timeout(60_000);
    const clock = new FakeClock();
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: { append: () => undefined }, record: false }) });
    engine.createComputeEnvironment({ computeEnvironmentName: 'local', type: 'UNMANAGED' });
    engine.createJobQueue({ jobQueueName: 'local', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'local' }] });
    engine.registerJobDefinition({ jobDefinitionName: 'hello', type: 'container', containerProperties: { image: 'busybox', command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } });
    const handlers = batchHandlers(engine);
    const ops = Object.keys(MEMBERS) as OperationName[];
    fc.assert(
      fc.property(fc.constantFrom(...ops), fc.func(fc.boolean()), fc.array(value, { minLength: 13, maxLength: 13 }), (op, pick, values) => {
        const input: Record<string, unknown> = {};
        MEMBERS[op]!.forEach((m, i) => {
          if (pick(m, i)) input[m] = values[i];
        });
        try {
          const out = handlers[op]!(input);
          assert.ok(out !== undefined);
        } catch (err) {
          assert.equal((err as Error).name, 'ClientException', `${op}(${JSON.stringify(input)}) threw ${(err as Error).stack}`);
        }
      }),
      { numRuns: 1000, seed: 4 },
    );
    engine.terminateAll('test over');
  });
});
