/**
 * Batch requests are checked against the service model's input shapes at every depth (the SDK's
 * schemas): the malformed nested members a user walk found answered 500 or were stored and then
 * broke DescribeJobDefinitions for every client.
 */
import assert from 'node:assert/strict';
import { batchHandlers } from '../../../../src/emulator/batch/api';
import { checkRequestShape } from '../../../../src/emulator/batch/api/request-shapes';
import { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../../../../src/emulator/runtime/scripted';
import { ClientException } from '../../../../src/emulator/edge/errors';

const refused = (op: string, input: Record<string, unknown>, message: RegExp) =>
  assert.throws(() => checkRequestShape(op, input), (e: unknown) => e instanceof ClientException && message.test(e.message), `${op} ${JSON.stringify(input)}`);

describe('Batch request shapes from the service model (unit)', () => {
  it('refuses a member of the wrong JSON type at any depth, naming its path', () => {
    refused('SubmitJob', { containerOverrides: { command: 'echo' } }, /^containerOverrides\.command must be a list, not string "echo"$/);
    refused('SubmitJob', { containerOverrides: { command: [1, 2] } }, /^containerOverrides\.command\[0\] must be a string, not number 1$/);
    refused('SubmitJob', { containerOverrides: { environment: [{ name: 5 }] } }, /^containerOverrides\.environment\[0\]\.name must be a string/);
    refused('SubmitJob', { containerOverrides: { environment: 5 } }, /^containerOverrides\.environment must be a list/);
    refused('SubmitJob', { containerOverrides: { resourceRequirements: 'x' } }, /^containerOverrides\.resourceRequirements must be a list/);
    refused('SubmitJob', { containerOverrides: { vcpus: '2' } }, /^containerOverrides\.vcpus must be a number, not string "2"$/);
    refused('SubmitJob', { retryStrategy: { evaluateOnExit: 5 } }, /^retryStrategy\.evaluateOnExit must be a list/);
    refused('SubmitJob', { retryStrategy: { evaluateOnExit: [null] } }, /^retryStrategy\.evaluateOnExit\[0\] must be an object, not null$/);
    refused('SubmitJob', { timeout: { attemptDurationSeconds: '60' } }, /^timeout\.attemptDurationSeconds must be a number/);
    refused('SubmitJob', { parameters: { a: 5 } }, /^parameters\.a must be a string, not number 5$/);
    refused('SubmitJob', { consumableResourcePropertiesOverride: { consumableResourceList: 'x' } }, /^consumableResourcePropertiesOverride\.consumableResourceList must be a list/);
    refused('SubmitJob', { propagateTags: 'yes' }, /^propagateTags must be a boolean/);
    refused('RegisterJobDefinition', { containerProperties: { image: 5 } }, /^containerProperties\.image must be a string, not number 5$/);
    refused('RegisterJobDefinition', { containerProperties: { image: ['a'] } }, /^containerProperties\.image must be a string, not a list$/);
    refused('RegisterJobDefinition', { containerProperties: { environment: 'A=1' } }, /^containerProperties\.environment must be a list/);
    refused('RegisterJobDefinition', { nodeProperties: { nodeRangeProperties: [{ container: { command: 5 } }] } }, /^nodeProperties\.nodeRangeProperties\[0\]\.container\.command must be a list/);
    refused('CreateComputeEnvironment', { computeResources: { maxvCpus: '4' } }, /^computeResources\.maxvCpus must be a number/);
    refused('TagResource', { tags: { team: ['a'] } }, /^tags\.team must be a string/);
  });

  it('takes well-formed requests, null as an absent member, and ignores members the model does not have', () => {
    checkRequestShape('SubmitJob', {
      jobName: 'j', jobQueue: 'q', jobDefinition: 'd', arrayProperties: { size: 2 }, dependsOn: [{ jobId: 'x', type: 'N_TO_N' }],
      parameters: { a: 'b' }, containerOverrides: { command: ['echo', 'hi'], environment: [{ name: 'A', value: '1' }], resourceRequirements: [{ type: 'GPU', value: '1' }] },
      retryStrategy: { attempts: 2, evaluateOnExit: [{ onExitCode: '1', action: 'RETRY' }] }, timeout: { attemptDurationSeconds: 60 }, tags: { t: 'v' }, propagateTags: true,
      shareIdentifier: null, schedulingPriorityOverride: undefined, notInTheModel: { anything: [1] },
    });
    checkRequestShape('NoSuchOperation', { x: 1 });
    checkRequestShape('SubmitJob', [] as unknown as Record<string, unknown>);
  });

  it('every caller of the handlers gets the check: a malformed definition is never stored, so listing still works', async () => {
    const clock = new FakeClock();
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: { append: () => undefined }, record: false }) });
    const handlers = batchHandlers(engine);
    await assert.rejects(async () => handlers.RegisterJobDefinition!({ jobDefinitionName: 'x', type: 'container', containerProperties: { image: 5, command: 5, resourceRequirements: 'x' } }), ClientException);
    const listed = (await handlers.DescribeJobDefinitions!({})) as { jobDefinitions: unknown[] };
    assert.deepEqual(listed.jobDefinitions, []);
    await handlers.RegisterJobDefinition!({ jobDefinitionName: 'ok', type: 'container', containerProperties: { image: 'busybox', command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } });
    assert.equal(((await handlers.DescribeJobDefinitions!({})) as { jobDefinitions: unknown[] }).jobDefinitions.length, 1);
  });
});

describe('Batch resource requirement values (unit)', () => {
  const setup = () => {
    const clock = new FakeClock();
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: { append: () => undefined }, record: false }) });
    engine.createComputeEnvironment({ computeEnvironmentName: 'local', type: 'UNMANAGED' });
    engine.createJobQueue({ jobQueueName: 'local', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'local' }] });
    const handlers = batchHandlers(engine);
    return { handlers };
  };
  const def = (rr: unknown) => ({ jobDefinitionName: 'd', type: 'container', containerProperties: { image: 'busybox', command: ['true'], resourceRequirements: rr } });

  it('refuses an unreadable VCPU, MEMORY or GPU value or an unknown type when the definition is registered or the job submitted', async () => {
    const { handlers } = setup();
    const refusedWith = async (call: () => unknown, message: RegExp) => assert.rejects(async () => call(), (e: unknown) => e instanceof ClientException && message.test(e.message));
    await refusedWith(() => handlers.RegisterJobDefinition!(def([{ type: 'VCPU', value: 'lots' }])), /^containerProperties\.resourceRequirements\[0\]\.value "lots" is not a valid VCPU value: give a positive number of vCPUs/);
    await refusedWith(() => handlers.RegisterJobDefinition!(def([{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: 'sixty' }])), /resourceRequirements\[1\]\.value "sixty" is not a valid MEMORY value/);
    await refusedWith(() => handlers.RegisterJobDefinition!(def([{ type: 'MEMORY', value: '2.5' }])), /not a valid MEMORY value/);
    await refusedWith(() => handlers.RegisterJobDefinition!(def([{ type: 'CPU', value: '1' }])), /resourceRequirements\[0\]\.type must be one of GPU, VCPU, MEMORY, not "CPU"/);
    await refusedWith(() => handlers.RegisterJobDefinition!({ jobDefinitionName: 'm', type: 'multinode', nodeProperties: { numNodes: 1, mainNode: 0, nodeRangeProperties: [{ targetNodes: '0', container: { image: 'b', resourceRequirements: [{ type: 'GPU', value: '-1' }] } }] } }), /^nodeProperties\.nodeRangeProperties\[0\]\.container\.resourceRequirements\[0\]\.value "-1" is not a valid GPU value/);
    await handlers.RegisterJobDefinition!(def([{ type: 'VCPU', value: '0.5' }, { type: 'MEMORY', value: '64' }]));
    const submit = (ov: unknown) => handlers.SubmitJob!({ jobName: 'j', jobQueue: 'local', jobDefinition: 'd', containerOverrides: ov });
    await refusedWith(() => submit({ resourceRequirements: [{ type: 'GPU', value: 'one' }] }), /^containerOverrides\.resourceRequirements\[0\]\.value "one" is not a valid GPU value: give a whole number of GPUs$/);
    await refusedWith(() => submit({ resourceRequirements: [{ type: 'VCPU' }] }), /value is required/);
    const ok = (await submit({ resourceRequirements: [{ type: 'GPU', value: '0' }, { type: 'VCPU', value: '1' }] })) as { jobId: string };
    assert.ok(ok.jobId);
  });
});
