/**
 * Step Functions on the emulator's endpoint, driven by @aws-sdk/client-sfn, running real Batch jobs
 * on real Docker: `.sync` success shape (PascalCase DescribeJobs detail), failure as States.TaskFailed
 * caught and resubmitted to another queue, Map over an array, StopExecution terminating the job,
 * API errors as Batch.<ErrorCode>, and a restart that finds the `.sync` job it was waiting on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateJobQueueCommand, DescribeJobsCommand, RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { clientsFor } from '../../../src/cli/run/session';
import { LocalService } from '../../../src/emulator/service';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';

const ROLE = 'arn:aws:iam::123456789012:role/sfn';

async function until<T>(what: string, fn: () => Promise<T | undefined>, deadlineMs = 90_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Step Functions with Batch .sync on real Docker (client-sfn)', function () {
  this.timeout(240_000);
  let dir: string;
  let service: LocalService | undefined;
  let sfn: SFNClient;

  const start = async () => {
    service = await LocalService.start({ stateDir: path.join(dir, '.localbatch'), workspaceRoot: dir, log: () => undefined });
    const config = { endpoint: service.endpoint.url, region: service.endpoint.region, credentials: service.endpoint.credentials, maxAttempts: 1 };
    sfn = new SFNClient(config);
    return clientsFor(service.endpoint).batch;
  };
  const finished = (executionArn: string) =>
    until('the execution to end', async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });

  before(async function () {
    await dockerForTests(this);
    dir = mkdtempSync(path.join(tmpdir(), 'lb-sfn-'));
    const batch = await start();
    for (const [name, script] of [['ok', 'echo hi'], ['bad', 'exit 3'], ['slow', 'trap "exit 143" TERM; sleep 300 & wait']]) {
      await batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: name, type: 'container', containerProperties: { image: TEST_IMAGE, command: ['sh', '-c', script], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '32' }] } }));
    }
    await batch.send(new CreateJobQueueCommand({ jobQueueName: 'ondemand', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'local' }] }));
  });
  after(async () => {
    await service?.close({ terminateAll: true, graceMs: 5000 });
    rmSync(dir, { recursive: true, force: true });
  });

  const machine = async (name: string, definition: unknown) =>
    (await sfn.send(new CreateStateMachineCommand({ name, roleArn: ROLE, definition: JSON.stringify(definition) }))).stateMachineArn!;

  it('.sync success returns the job detail in PascalCase; failure is caught and resubmitted to another queue; Map over an array', async () => {
    const arn = await machine('pipeline', {
      StartAt: 'Spot',
      States: {
        Spot: {
          Type: 'Task',
          Resource: 'arn:aws:states:::batch:submitJob.sync',
          Parameters: { JobName: 'spot', JobQueue: 'local', 'JobDefinition.$': '$.first' },
          Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'OnDemand' }],
          Next: 'OnDemand',
        },
        OnDemand: {
          Type: 'Task',
          Resource: 'arn:aws:states:::batch:submitJob.sync',
          Parameters: { JobName: 'ondemand', JobQueue: 'ondemand', JobDefinition: 'ok', ContainerOverrides: { Environment: [{ Name: 'X', Value: '1' }] } },
          ResultSelector: { 'status.$': '$.Status', 'queue.$': '$.JobQueue', 'env.$': '$.Container.Environment' },
          ResultPath: '$.retry',
          Next: 'Fan',
        },
        Fan: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'n.$': '$$.Map.Item.Value' },
          ItemProcessor: { StartAt: 'Job', States: { Job: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { 'JobName.$': "States.Format('item-{}', $.n)", JobQueue: 'local', JobDefinition: 'ok' }, OutputPath: '$.Status', End: true } } },
          ResultPath: '$.fan',
          End: true,
        },
      },
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ first: 'bad', items: [1, 2, 3] }) }));
    const d: DescribeExecutionCommandOutput = await finished(executionArn!);
    assert.equal(d.status, 'SUCCEEDED', d.cause);
    const out = JSON.parse(d.output!) as { failure: { Error: string; Cause: string }; retry: { status: string; queue: string; env: Array<{ Name: string; Value: string }> }; fan: string[] };
    assert.equal(out.failure.Error, 'States.TaskFailed');
    const failedDetail = JSON.parse(out.failure.Cause) as { Status: string; JobName: string; Container: { ExitCode: number } };
    assert.deepEqual([failedDetail.Status, failedDetail.JobName, failedDetail.Container.ExitCode], ['FAILED', 'spot', 3]);
    assert.equal(out.retry.status, 'SUCCEEDED');
    assert.match(out.retry.queue, /job-queue\/ondemand$/);
    assert.ok(out.retry.env.some((e) => e.Name === 'X' && e.Value === '1'));
    assert.deepEqual(out.fan, ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const types = history.events!.map((e) => e.type);
    assert.equal(types[0], 'ExecutionStarted');
    assert.ok(types.includes('TaskSubmitted') && types.includes('MapIterationSucceeded'));
    const scheduled = history.events!.find((e) => e.type === 'TaskScheduled')!;
    assert.deepEqual([scheduled.taskScheduledEventDetails?.resourceType, scheduled.taskScheduledEventDetails?.resource], ['batch', 'submitJob.sync']);
  });

  it('a Batch API error is Batch.ClientException', async () => {
    const arn = await machine('badqueue', { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob', Parameters: { JobName: 'x', JobQueue: 'nope', JobDefinition: 'ok' }, End: true } } });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    const d = await finished(executionArn!);
    assert.deepEqual([d.status, d.error], ['FAILED', 'Batch.ClientException']);
  });

  it('a parameter of the wrong type fails the execution with States.Runtime before the task is scheduled, uncaught', async () => {
    const arn = await machine('badtype', {
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { JobName: 'x', JobQueue: 'local', JobDefinition: 'ok', ContainerOverrides: { 'Command.$': '$.cmd' } }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
        Caught: { Type: 'Succeed' },
      },
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ cmd: 'echo hi' }) }));
    const d = await finished(executionArn!);
    assert.deepEqual([d.status, d.error], ['FAILED', 'States.Runtime']);
    assert.equal(
      d.cause,
      `An error occurred while executing the state 'T' (entered at the event id #2). The Parameters '{"JobName":"x","JobQueue":"local","JobDefinition":"ok","ContainerOverrides":{"Command":"echo hi"}}' could not be used to start the Task: [The value for the field 'ContainerOverrides.Command' must be a list, not string "echo hi"]`,
    );
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    assert.deepEqual(history.events!.map((e) => e.type), ['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed']);
  });

  it('StopExecution terminates the running job; a restart during a .sync wait does not submit the job twice', async () => {
    const batch = clientsFor(service!.endpoint).batch;
    const arn = await machine('slow', { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { JobName: 'slow', JobQueue: 'local', JobDefinition: 'slow' }, End: true } } });
    const jobOf = (executionArn: string) =>
      until('the job to be submitted', async () => {
        const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
        const e = h.events!.find((x) => x.type === 'TaskSubmitted');
        return e ? (JSON.parse(e.taskSubmittedEventDetails!.output!) as { JobId: string }).JobId : undefined;
      });
    const first = (await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }))).executionArn!;
    const jobId = await jobOf(first);
    await until('the job to run', async () => ((await batch.send(new DescribeJobsCommand({ jobs: [jobId] }))).jobs?.[0]?.status === 'RUNNING' ? true : undefined));
    await sfn.send(new StopExecutionCommand({ executionArn: first, error: 'Stopped', cause: 'test' }));
    assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn: first }))).status, 'ABORTED');
    const stopped = await until('the job to be terminated', async () => {
      const j = (await batch.send(new DescribeJobsCommand({ jobs: [jobId] }))).jobs?.[0];
      return j?.status === 'FAILED' ? j : undefined;
    });
    assert.match(stopped.statusReason ?? '', /Step Functions/);

    const second = (await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }))).executionArn!;
    const secondJob = await jobOf(second);
    await service!.close();
    service = undefined;
    const batch2 = await start();
    assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn: second }))).status, 'RUNNING');
    // The replay records the submission again: the job it submitted before the restart, not a new one.
    assert.equal(await jobOf(second), secondJob, 'the replay found the job it submitted before the restart');
    await sfn.send(new StopExecutionCommand({ executionArn: second }));
    const j = await until('the job to be terminated', async () => {
      const x = (await batch2.send(new DescribeJobsCommand({ jobs: [secondJob] }))).jobs?.[0];
      return x?.status === 'FAILED' ? x : undefined;
    });
    assert.equal(j.jobId, secondJob);
  });
});
