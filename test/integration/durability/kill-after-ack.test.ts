/**
 * Acknowledged means durable: a change the API answered survives a SIGKILL of `localbatch serve`
 * that follows the answer at once (the scripted runtime: no Docker needed): Batch resources and
 * jobs, and CloudWatch Logs groups, streams and events.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BatchClient,
  CreateComputeEnvironmentCommand,
  DescribeComputeEnvironmentsCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobsCommand,
  ListTagsForResourceCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  TagResourceCommand,
} from '@aws-sdk/client-batch';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DeleteLogStreamCommand, DescribeLogGroupsCommand, DescribeLogStreamsCommand, GetLogEventsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { killServe, startServe } from '../../support/serve-process';

function client(e: EmulatorEndpoint): BatchClient {
  return new BatchClient({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });
}

describe('Acknowledged changes survive SIGKILL (integration)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'localbatch-ack-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a RegisterJobDefinition (and a submit, a tag, a compute environment) answered just before the kill', async () => {
    const stateDir = path.join(dir, 'state');
    const args = ['--runtime', 'scripted', '--port', '0'];
    const first = await startServe(args, dir, stateDir);
    const c1 = client(first.endpoint);
    const reg = await c1.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'kept', type: 'container', containerProperties: { image: 'busybox', command: ['sleep', '100'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '32' }] } }));
    await killServe(first);
    const second = await startServe(args, dir, stateDir);
    const c2 = client(second.endpoint);
    const defs = await c2.send(new DescribeJobDefinitionsCommand({ jobDefinitions: [reg.jobDefinitionArn!] }));
    assert.deepEqual(defs.jobDefinitions?.map((d) => [d.jobDefinitionName, d.revision, d.status]), [['kept', 1, 'ACTIVE']]);

    const job = await c2.send(new SubmitJobCommand({ jobName: 'j', jobQueue: 'local', jobDefinition: 'kept' }));
    await c2.send(new TagResourceCommand({ resourceArn: reg.jobDefinitionArn!, tags: { team: 'x' } }));
    await c2.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'extra', type: 'UNMANAGED' }));
    await killServe(second);
    const third = await startServe(args, dir, stateDir);
    const c3 = client(third.endpoint);
    try {
      assert.equal((await c3.send(new DescribeJobsCommand({ jobs: [job.jobId!] }))).jobs?.[0]?.jobName, 'j');
      assert.deepEqual((await c3.send(new ListTagsForResourceCommand({ resourceArn: reg.jobDefinitionArn! }))).tags, { team: 'x' });
      assert.equal((await c3.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: ['extra'] }))).computeEnvironments?.[0]?.status, 'VALID');
    } finally {
      for (const c of [c1, c2, c3]) c.destroy();
      third.child.kill('SIGTERM');
      assert.equal(await third.exit, 0);
    }
  });

  it('keeps CloudWatch Logs writes (a group, streams, events, a stream deleted) answered just before the kill', async () => {
    const stateDir = path.join(dir, 'logs-state');
    const args = ['--runtime', 'scripted', '--port', '0'];
    const first = await startServe(args, dir, stateDir);
    const logs = (e: EmulatorEndpoint) => new CloudWatchLogsClient({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });
    const c1 = logs(first.endpoint);
    const t0 = Date.now();
    await c1.send(new CreateLogGroupCommand({ logGroupName: '/app/pricing' }));
    await c1.send(new CreateLogStreamCommand({ logGroupName: '/app/pricing', logStreamName: 'run-1' }));
    await c1.send(new CreateLogStreamCommand({ logGroupName: '/app/pricing', logStreamName: 'scratch' }));
    await c1.send(new PutLogEventsCommand({ logGroupName: '/app/pricing', logStreamName: 'run-1', logEvents: [{ timestamp: t0, message: 'first' }, { timestamp: t0 + 1, message: 'second' }] }));
    await c1.send(new DeleteLogStreamCommand({ logGroupName: '/app/pricing', logStreamName: 'scratch' }));
    await c1.send(new PutLogEventsCommand({ logGroupName: '/app/pricing', logStreamName: 'run-1', logEvents: [{ timestamp: t0 + 2, message: 'last, just before the kill' }] }));
    await killServe(first);
    const second = await startServe(args, dir, stateDir);
    const c2 = logs(second.endpoint);
    try {
      const groups = (await c2.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/' }))).logGroups ?? [];
      assert.deepEqual(groups.map((g) => g.logGroupName), ['/app/pricing']);
      const streams = (await c2.send(new DescribeLogStreamsCommand({ logGroupName: '/app/pricing' }))).logStreams ?? [];
      assert.deepEqual(streams.map((x) => x.logStreamName), ['run-1'], 'the deleted stream stays deleted');
      const events = (await c2.send(new GetLogEventsCommand({ logGroupName: '/app/pricing', logStreamName: 'run-1', startFromHead: true }))).events ?? [];
      assert.deepEqual(events.map((e) => e.message), ['first', 'second', 'last, just before the kill']);
    } finally {
      c1.destroy();
      c2.destroy();
      second.child.kill('SIGTERM');
      assert.equal(await second.exit, 0);
    }
  });
});
