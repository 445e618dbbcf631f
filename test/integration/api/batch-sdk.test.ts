import assert from 'node:assert/strict';
import {
  BatchClient,
  ClientException as SdkClientException,
  DescribeJobQueuesCommand,
  ListJobsCommand,
  ListTagsForResourceCommand,
  SubmitJobCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-batch';
import { ClientException } from '../../../src/emulator/edge/errors';
import type { BatchHandlers } from '../../../src/emulator/batch/api/routes';
import { signedFetch, startHarness, type ApiHarness } from '../../support/api-harness';

const fakeBatch: BatchHandlers = {
  DescribeJobQueues: (input) => ({ jobQueues: [{ jobQueueName: 'local', echo: input }] }),
  SubmitJob: (input) => {
    const { jobName } = input as { jobName: string };
    if (jobName === 'bad') throw new ClientException('Error executing request, Exception : jobName bad is not allowed');
    return { jobArn: 'arn:aws:batch:us-east-1:123456789012:job/j-1', jobName, jobId: 'j-1' };
  },
  ListTagsForResource: (input) => ({ tags: { arn: (input as { resourceArn: string }).resourceArn } }),
  TagResource: () => ({}),
  UntagResource: () => ({}),
  ListJobs: () => {
    throw new TypeError('a bug in the core');
  },
};

describe('Batch API through @aws-sdk/client-batch (integration)', () => {
  let h: ApiHarness;
  let client: BatchClient;
  before(async () => {
    h = await startHarness(fakeBatch);
    client = new BatchClient({ endpoint: h.server.url, region: 'eu-west-1', credentials: h.credentials, maxAttempts: 1 });
  });
  after(async () => {
    client.destroy();
    await h.close();
  });

  it('reaches the handler with the parsed input and returns its result', async () => {
    const out = await client.send(new SubmitJobCommand({ jobName: 'hello', jobQueue: 'local', jobDefinition: 'jd:1', containerOverrides: { command: ['echo', 'hi'] } }));
    assert.equal(out.jobId, 'j-1');
    assert.deepEqual(h.calls.at(-1), {
      operation: 'SubmitJob',
      input: { jobName: 'hello', jobQueue: 'local', jobDefinition: 'jd:1', containerOverrides: { command: ['echo', 'hi'] } },
    });
    assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
  });

  it('surfaces a thrown ClientException as the SDK ClientException with its message', async () => {
    await assert.rejects(client.send(new SubmitJobCommand({ jobName: 'bad', jobQueue: 'q', jobDefinition: 'd' })), (err: unknown) => {
      assert.ok(err instanceof SdkClientException);
      assert.equal(err.message, 'Error executing request, Exception : jobName bad is not allowed');
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
  });

  it('routes the tag operations with the decoded ARN and the tagKeys query list', async () => {
    const arn = 'arn:aws:batch:us-east-1:123456789012:job-definition/my-def:3';
    assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { arn });
    await client.send(new TagResourceCommand({ resourceArn: arn, tags: { team: 'a b' } }));
    assert.deepEqual(h.calls.at(-1), { operation: 'TagResource', input: { resourceArn: arn, tags: { team: 'a b' } } });
    await client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team', 'x y'] }));
    assert.deepEqual(h.calls.at(-1), { operation: 'UntagResource', input: { resourceArn: arn, tagKeys: ['team', 'x y'] } });
  });

  it('answers an operation without a handler with a ClientException naming it', async () => {
    const c2 = new BatchClient({ endpoint: h.server.url, region: 'us-east-1', credentials: h.credentials, maxAttempts: 1 });
    const { DescribeComputeEnvironmentsCommand } = await import('@aws-sdk/client-batch');
    await assert.rejects(c2.send(new DescribeComputeEnvironmentsCommand({})), (err: unknown) => {
      assert.ok(err instanceof SdkClientException);
      assert.equal(err.message, 'localbatch does not implement DescribeComputeEnvironments yet');
      return true;
    });
    c2.destroy();
  });

  it('turns a handler bug into a ServerException without leaking it, and logs it', async () => {
    await assert.rejects(client.send(new ListJobsCommand({ jobQueue: 'local' })), (err: unknown) => {
      assert.equal((err as Error).name, 'ServerException');
      assert.doesNotMatch((err as Error).message, /bug in the core/);
      return true;
    });
    assert.ok(h.logLines.some((l) => l.includes('a bug in the core')));
  });

  it('passes an empty body as {}', async () => {
    await client.send(new DescribeJobQueuesCommand({}));
    assert.deepEqual(h.calls.at(-1), { operation: 'DescribeJobQueues', input: {} });
  });
});

describe('Batch API HTTP edge cases (integration)', () => {
  let h: ApiHarness;
  before(async () => (h = await startHarness(fakeBatch)));
  after(async () => h.close());

  const post = (path: string, body: string, extra: Record<string, string> = {}) =>
    signedFetch(h.server.url, h.credentials, { method: 'POST', path, body, headers: { 'content-type': 'application/json', ...extra } });

  it('refuses malformed JSON with a 400 ClientException', async () => {
    for (const body of ['{"jobName":', '[1,2]', 'null', '"x"']) {
      const res = await post('/v1/submitjob', body);
      assert.equal(res.status, 400, body);
      assert.equal(res.headers.get('x-amzn-errortype'), 'ClientException');
      assert.equal(JSON.parse(res.body).__type, 'ClientException');
      assert.ok(res.headers.get('x-amzn-requestid'));
    }
  });

  it('enforces the 30 KiB SubmitJob limit and the 1 MiB general limit', async () => {
    const big = JSON.stringify({ jobName: 'x', parameters: { p: 'a'.repeat(31 * 1024) } });
    const res = await post('/v1/submitjob', big);
    assert.equal(res.status, 400);
    assert.match(JSON.parse(res.body).message, /30 KiB/);
    assert.equal((await post('/v1/describejobqueues', big)).status, 200);
    const huge = await post('/v1/describejobqueues', JSON.stringify({ x: 'a'.repeat(1024 * 1024) }));
    assert.equal(huge.status, 413);
    assert.equal(huge.headers.get('x-amzn-errortype'), 'RequestEntityTooLargeException');
  });

  it('names the path of an unknown route and the allowed method of a known one', async () => {
    const unknown = await post('/v1/launchrockets', '{}');
    assert.equal(unknown.status, 404);
    assert.match(JSON.parse(unknown.body).message, /POST \/v1\/launchrockets/);
    const wrongMethod = await signedFetch(h.server.url, h.credentials, { method: 'GET', path: '/v1/submitjob' });
    assert.equal(wrongMethod.status, 405);
    assert.match(JSON.parse(wrongMethod.body).message, /takes POST/);
  });

  it('answers health', async () => {
    const res = await signedFetch(h.server.url, h.credentials, { method: 'GET', path: '/localbatch/v1/health', service: 'localbatch' });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { status: 'ok', version: '0.0.0-test', pid: process.pid });
  });
});
