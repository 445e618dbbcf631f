import assert from 'node:assert/strict';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  InvalidParameterException,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ResourceNotFoundException,
  paginateGetLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { startHarness, type ApiHarness } from '../../support/api-harness';

const GROUP = '/aws/batch/job';
const STREAM = 'my-def/default/0a1b2c';

describe('CloudWatch Logs through @aws-sdk/client-cloudwatch-logs (integration)', () => {
  let h: ApiHarness;
  let logs: CloudWatchLogsClient;
  before(async () => {
    h = await startHarness({});
    h.logStore.append(STREAM, Array.from({ length: 7 }, (_, i) => ({ timestamp: 1000 * (i + 1), message: `line ${i + 1}${i === 3 ? ' ERROR disk full' : ''}` })));
    h.logStore.append('other-def/default/ffff', [{ timestamp: 3500, message: 'ERROR elsewhere' }]);
    logs = new CloudWatchLogsClient({ endpoint: h.server.url, region: 'us-east-1', credentials: h.credentials, maxAttempts: 1 });
  });
  after(async () => {
    logs.destroy();
    await h.close();
  });

  it('GetLogEvents: newest page by default, oldest with startFromHead', async () => {
    const tail = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, limit: 3 }));
    assert.deepEqual(tail.events?.map((e) => e.message), ['line 5', 'line 6', 'line 7']);
    const head = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, limit: 3, startFromHead: true }));
    assert.deepEqual(head.events?.map((e) => e.message), ['line 1', 'line 2', 'line 3']);
    assert.match(head.nextForwardToken ?? '', /^f\//);
    assert.match(head.nextBackwardToken ?? '', /^b\//);
  });

  it('GetLogEvents: forward and backward tokens walk the stream and stop on the same token', async () => {
    const forward: string[] = [];
    let pages = 0;
    for await (const page of paginateGetLogEvents({ client: logs, pageSize: 3 }, { logGroupName: GROUP, logStreamName: STREAM, startFromHead: true })) {
      forward.push(...(page.events ?? []).map((e) => e.message ?? ''));
      if (++pages > 10) break;
    }
    assert.deepEqual(forward, ['line 1', 'line 2', 'line 3', 'line 4 ERROR disk full', 'line 5', 'line 6', 'line 7']);

    let page = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, limit: 3 }));
    const backward = [page.events!.map((e) => e.message)];
    for (let i = 0; i < 10; i++) {
      const prev = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, limit: 3, nextToken: page.nextBackwardToken }));
      if (prev.nextBackwardToken === page.nextBackwardToken) break;
      backward.unshift(prev.events!.map((e) => e.message));
      page = prev;
    }
    assert.deepEqual(backward.flat(), forward);

    const after = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, startFromHead: true, nextToken: head(forward.length) }));
    assert.deepEqual(after.events, []);
    assert.equal(after.nextForwardToken, head(forward.length));
    function head(n: number): string {
      return `f/${String(n).padStart(20, '0')}`;
    }
  });

  it('GetLogEvents: unknown group or stream is ResourceNotFoundException', async () => {
    await assert.rejects(logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/x', logStreamName: STREAM })), ResourceNotFoundException);
    await assert.rejects(logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'nope' })), ResourceNotFoundException);
  });

  it('DescribeLogStreams and DescribeLogGroups', async () => {
    const all = await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    assert.deepEqual(all.logStreams?.map((s) => s.logStreamName), ['my-def/default/0a1b2c', 'other-def/default/ffff']);
    const mine = await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP, logStreamNamePrefix: 'my-def/' }));
    assert.equal(mine.logStreams?.[0].lastEventTimestamp, 7000);
    const paged = await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP, limit: 1 }));
    const rest = await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP, limit: 1, nextToken: paged.nextToken }));
    assert.deepEqual([paged, rest].map((p) => p.logStreams?.[0].logStreamName), ['my-def/default/0a1b2c', 'other-def/default/ffff']);
    const groups = await logs.send(new DescribeLogGroupsCommand({}));
    assert.deepEqual(groups.logGroups?.map((g) => g.logGroupName), [GROUP]);
  });

  it('FilterLogEvents: pattern, streams, time range', async () => {
    const errors = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: 'ERROR' }));
    assert.deepEqual(errors.events?.map((e) => [e.logStreamName, e.message]), [
      ['other-def/default/ffff', 'ERROR elsewhere'],
      [STREAM, 'line 4 ERROR disk full'],
    ]);
    const phrase = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: [STREAM], filterPattern: '"disk full"' }));
    assert.equal(phrase.events?.length, 1);
    const range = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNamePrefix: 'my-def', startTime: 2000, endTime: 3000 }));
    assert.deepEqual(range.events?.map((e) => e.message), ['line 2', 'line 3']);
  });

  it('CreateLogGroup, CreateLogStream and PutLogEvents write what GetLogEvents reads, with the API reference\'s checks', async () => {
    const group = '/app/worker';
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await assert.rejects(logs.send(new CreateLogGroupCommand({ logGroupName: group })), ResourceAlreadyExistsException);
    await assert.rejects(logs.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' })), InvalidParameterException);
    await assert.rejects(logs.send(new CreateLogStreamCommand({ logGroupName: '/app/none', logStreamName: 's' })), ResourceNotFoundException);
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'run-1' }));
    await assert.rejects(logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'run-1' })), ResourceAlreadyExistsException);
    await assert.rejects(logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'run-2', logEvents: [{ timestamp: Date.now(), message: 'x' }] })), ResourceNotFoundException);

    const now = Date.now();
    const put = await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'run-1', logEvents: [
      { timestamp: now - 15 * 24 * 3_600_000, message: 'too old' },
      { timestamp: now - 2, message: 'started' },
      { timestamp: now - 1, message: 'done' },
    ] }));
    assert.deepEqual(put.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 1 });
    await assert.rejects(logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'run-1', logEvents: [{ timestamp: now, message: 'b' }, { timestamp: now - 1, message: 'a' }] })), /chronological order/);
    await assert.rejects(logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'run-1', logEvents: [{ timestamp: now - 25 * 3_600_000, message: 'a' }, { timestamp: now, message: 'b' }] })), /24 hours/);
    const read = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'run-1', startFromHead: true }));
    assert.deepEqual(read.events?.map((e) => e.message), ['started', 'done']);
    assert.deepEqual((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/' }))).logGroups?.map((g) => g.logGroupName), [group]);

    // Names too long for a file name here (CloudWatch allows 512 characters) are a local limit, said as such.
    await assert.rejects(logs.send(new CreateLogGroupCommand({ logGroupName: `/${'g'.repeat(300)}` })), /local limit/);
    await assert.rejects(logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'x/'.repeat(100) })), /local limit/);
    // A batch under the 1 MiB limit whose JSON escapes make the request bigger (1.2 MB here) is taken.
    const wide = '\u0001'.repeat(200_000);
    await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'run-1', logEvents: [{ timestamp: Date.now(), message: wide }] }));
    const last = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'run-1', limit: 1 }));
    assert.equal(last.events?.[0]?.message, wide);

    await logs.send(new DeleteLogStreamCommand({ logGroupName: group, logStreamName: 'run-1' }));
    await assert.rejects(logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'run-1' })), ResourceNotFoundException);
    await logs.send(new DeleteLogGroupCommand({ logGroupName: group }));
    await assert.rejects(logs.send(new DeleteLogGroupCommand({ logGroupName: group })), ResourceNotFoundException);
    assert.deepEqual((await logs.send(new DescribeLogGroupsCommand({}))).logGroups?.map((g) => g.logGroupName), [GROUP]);
  });
});
