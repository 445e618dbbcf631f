/**
 * SIGKILL of `localbatch serve` while a Step Functions `.sync` task waits on its Batch job (real
 * Docker): the next serve replays the execution, finds the job it had submitted, waits for it and
 * succeeds with that job's detail; the job ran once. Once it has ended, its history outlives the
 * next SIGKILL too. A callback task's token, given out before a SIGKILL, still completes it after.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListJobsCommand, RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { clientsFor } from '../../../src/cli/run/session';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';
import { killServe, runCli, startServe } from '../../support/serve-process';

const sfnFor = (e: EmulatorEndpoint) => new SFNClient({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });

describe('Step Functions .sync across a SIGKILL of the server', function () {
  this.timeout(240_000);
  let dir: string;

  before(async function () {
    await dockerForTests(this);
    dir = mkdtempSync(path.join(tmpdir(), 'lb-sfn-kill-'));
  });
  after(async () => {
    await runCli(['stop', '--terminate-all', '--state-dir', path.join(dir, '.localbatch')], dir).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes the waiting task without submitting its job again', async () => {
    const stateDir = path.join(dir, '.localbatch');
    const first = await startServe([], dir, stateDir);
    const batch = clientsFor(first.endpoint).batch;
    await batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'wait', type: 'container', containerProperties: { image: TEST_IMAGE, command: ['sh', '-c', 'sleep 6; echo done'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '32' }] } }));
    let sfn = sfnFor(first.endpoint);
    const definition = { StartAt: 'Run', States: { Run: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { JobName: 'once', JobQueue: 'local', JobDefinition: 'wait' }, ResultSelector: { 'id.$': '$.JobId', 'status.$': '$.Status' }, End: true } } };
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'kill', roleArn: 'arn:aws:iam::123456789012:role/r', definition: JSON.stringify(definition) }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    let jobId: string | undefined;
    for (let i = 0; i < 300 && !jobId; i++) {
      const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      const e = h.events!.find((x) => x.type === 'TaskSubmitted');
      jobId = e && (JSON.parse(e.taskSubmittedEventDetails!.output!) as { JobId: string }).JobId;
      if (!jobId) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(jobId);
    await killServe(first);

    const second = await startServe([], dir, stateDir);
    sfn = sfnFor(second.endpoint);
    let status = 'RUNNING';
    let output: string | undefined;
    for (let i = 0; i < 600 && status === 'RUNNING'; i++) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      status = d.status!;
      output = d.output;
      if (status === 'RUNNING') await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(output!), { id: jobId, status: 'SUCCEEDED' });
    const jobs = await clientsFor(second.endpoint).batch.send(new ListJobsCommand({ jobQueue: 'local', filters: [{ name: 'JOB_NAME', values: ['once'] }] }));
    assert.deepEqual(jobs.jobSummaryList!.map((j) => j.jobId), [jobId]);
    const ended = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    assert.equal(ended.events!.at(-1)!.type, 'ExecutionSucceeded');
    // The history written again by the replay records the same submission (TaskSubmitted, then the end).
    const tasks = ended.events!.map((x) => x.type ?? '').filter((t) => t.startsWith('Task') && !t.startsWith('TaskState'));
    assert.deepEqual(tasks, ['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
    const again = ended.events!.find((x) => x.type === 'TaskSubmitted')!;
    assert.equal((JSON.parse(again.taskSubmittedEventDetails!.output!) as { JobId: string }).JobId, jobId);
    await killServe(second);

    const third = await startServe([], dir, stateDir);
    const kept = await sfnFor(third.endpoint).send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    assert.deepEqual(kept.events, ended.events, 'the ended execution answers the same history after the kill');
    await killServe(third);
  });

  it('a task token given out before the kill completes its task after it (the token is journaled, not made again)', async () => {
    const stateDir = path.join(dir, 'tokens');
    const first = await startServe(['--runtime', 'scripted'], dir, stateDir);
    let sfn = sfnFor(first.endpoint);
    const sns = new SNSClient({ endpoint: first.endpoint.url, region: first.endpoint.region, credentials: first.endpoint.credentials, maxAttempts: 1 });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'approvals' }));
    sns.destroy();
    const definition = { StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish.waitForTaskToken', Parameters: { TopicArn, 'Message.$': '$$.Task.Token' }, End: true } } };
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'ask', roleArn: 'arn:aws:iam::123456789012:role/r', definition: JSON.stringify(definition) }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    let token: string | undefined;
    for (let i = 0; i < 300 && !token; i++) {
      const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      const e = h.events!.find((x) => x.type === 'TaskScheduled');
      token = e && (JSON.parse(e.taskScheduledEventDetails!.parameters!) as { Message: string }).Message;
      if (!token) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(token);
    // A token made from the execution's ARN and the attempt, with another random part: never given out.
    const parts = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, string>;
    const forged = Buffer.from(JSON.stringify({ ...parts, n: 'AAAAAAAAAAAAAAAAAAAAAA' })).toString('base64url');
    await assert.rejects(sfn.send(new SendTaskSuccessCommand({ taskToken: forged, output: '{}' })), (err: Error) => err.name === 'InvalidToken');
    await new Promise((r) => setTimeout(r, 300));
    await killServe(first);

    const second = await startServe(['--runtime', 'scripted'], dir, stateDir);
    try {
      sfn = sfnFor(second.endpoint);
      const again = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      const replayed = again.events!.find((x) => x.type === 'TaskScheduled');
      assert.equal((JSON.parse(replayed!.taskScheduledEventDetails!.parameters!) as { Message: string }).Message, token, 'the replay gives out the same token');
      await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
      let d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      for (let i = 0; i < 100 && d.status === 'RUNNING'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      }
      assert.equal(d.status, 'SUCCEEDED');
      assert.deepEqual(JSON.parse(d.output!), { approved: true });
    } finally {
      await killServe(second);
    }
  });
});

