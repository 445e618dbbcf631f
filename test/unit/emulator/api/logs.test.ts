import assert from 'node:assert/strict';
import { ApiError } from '../../../../src/emulator/edge/errors';
import type { LogsBackend, LogsContext } from '../../../../src/emulator/logs/api';
import { describeLogGroups, describeLogStreams } from '../../../../src/emulator/logs/api/describe';
import { compileFilterPattern, filterLogEvents } from '../../../../src/emulator/logs/api/filter';
import { getLogEvents } from '../../../../src/emulator/logs/api/get-log-events';
import type { LogStreamInfo, StoredLogEvent } from '../../../../src/emulator/store/log-store';

/** In-memory LogsBackend: stream name → messages at timestamps 1000, 2000, ... */
function memoryBackend(streams: Record<string, string[]>): LogsBackend {
  const events = (name: string): StoredLogEvent[] =>
    (streams[name] ?? []).map((message, i) => ({ timestamp: (i + 1) * 1000, message, ingestionTime: (i + 1) * 1000 + 5 }));
  // One group, the default one.
  return {
    groups: () => ['/aws/batch/job'],
    hasGroup: (group) => group === '/aws/batch/job',
    has: (name) => name in streams,
    events,
    streams: (prefix = '') =>
      Object.keys(streams)
        .filter((n) => n.startsWith(prefix))
        .sort()
        .map((n): LogStreamInfo => ({ logStreamName: n, creationTime: 1, firstEventTimestamp: events(n)[0]?.timestamp, lastEventTimestamp: events(n).at(-1)?.timestamp, storedBytes: 0 })),
  };
}

const ctx = (streams: Record<string, string[]>): LogsContext => ({ backend: memoryBackend(streams), accountId: '123456789012', region: 'us-east-1' });
const G = '/aws/batch/job';
type Page = { events: Array<{ message: string }>; nextForwardToken: string; nextBackwardToken: string };
const msgs = (p: unknown) => (p as Page).events.map((e) => e.message);

function errorType(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ApiError);
    return err.type;
  }
  return 'none';
}

describe('CloudWatch Logs GetLogEvents (unit)', () => {
  const c = ctx({ s: ['a', 'b', 'c', 'd', 'e'] });

  it('returns the newest events by default and the oldest with startFromHead', () => {
    assert.deepEqual(msgs(getLogEvents({ logGroupName: G, logStreamName: 's', limit: 2 }, c)), ['d', 'e']);
    assert.deepEqual(msgs(getLogEvents({ logGroupName: G, logStreamName: 's', limit: 2, startFromHead: true }, c)), ['a', 'b']);
  });

  it('pages forward and returns the same token at the end', () => {
    let page = getLogEvents({ logGroupName: G, logStreamName: 's', limit: 2, startFromHead: true }, c) as Page;
    const seen = [...msgs(page)];
    for (let i = 0; i < 10; i++) {
      const next = getLogEvents({ logGroupName: G, logStreamName: 's', limit: 2, startFromHead: true, nextToken: page.nextForwardToken }, c) as Page;
      seen.push(...msgs(next));
      if (next.nextForwardToken === page.nextForwardToken) break;
      page = next;
    }
    assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e']);
  });

  it('pages backward from the end and returns the same token at the start', () => {
    let page = getLogEvents({ logGroupName: G, logStreamName: 's', limit: 2 }, c) as Page;
    const seen = [msgs(page)];
    for (let i = 0; i < 10; i++) {
      const next = getLogEvents({ logGroupName: G, logStreamName: 's', limit: 2, nextToken: page.nextBackwardToken }, c) as Page;
      if (next.nextBackwardToken === page.nextBackwardToken) break;
      seen.unshift(msgs(next));
      page = next;
    }
    assert.deepEqual(seen.flat(), ['a', 'b', 'c', 'd', 'e']);
  });

  it('filters by [startTime, endTime)', () => {
    assert.deepEqual(msgs(getLogEvents({ logGroupName: G, logStreamName: 's', startTime: 2000, endTime: 4000, startFromHead: true }, c)), ['b', 'c']);
  });

  it('refuses unknown groups and streams, bad limits and bad tokens like CloudWatch', () => {
    assert.equal(errorType(() => getLogEvents({ logGroupName: '/aws/other', logStreamName: 's' }, c)), 'ResourceNotFoundException');
    assert.equal(errorType(() => getLogEvents({ logGroupName: G, logStreamName: 'nope' }, c)), 'ResourceNotFoundException');
    assert.equal(errorType(() => getLogEvents({ logGroupName: G, logStreamName: 's', limit: 0 }, c)), 'InvalidParameterException');
    assert.equal(errorType(() => getLogEvents({ logGroupName: G, logStreamName: 's', nextToken: 'x/1' }, c)), 'InvalidParameterException');
    assert.equal(errorType(() => getLogEvents({ logGroupIdentifier: `arn:aws:logs:us-east-1:123456789012:log-group:${G}`, logStreamName: 's' }, c)), 'none');
  });
});

describe('CloudWatch Logs filter patterns (unit)', () => {
  it('matches terms, phrases, alternatives and exclusions', () => {
    const m = compileFilterPattern('ERROR "disk full" ?db ?cache -ignored');
    assert.equal(m('ERROR: disk full in db'), true);
    assert.equal(m('ERROR: disk  full in db'), false);
    assert.equal(m('ERROR: disk full'), false);
    assert.equal(m('ERROR: disk full in cache, ignored'), false);
    assert.equal(compileFilterPattern('')('anything'), true);
    assert.equal(compileFilterPattern('error')('ERROR'), false);
    assert.equal(errorType(() => compileFilterPattern('{ $.level = "x" }')), 'InvalidParameterException');
  });
});

describe('CloudWatch Logs FilterLogEvents and DescribeLogStreams (unit)', () => {
  const c = ctx({ 'jd/default/1': ['start', 'ERROR one', 'end'], 'jd/default/2': ['ERROR two'], 'other/default/3': ['ERROR three'] });

  it('interleaves matching events of the chosen streams and pages with nextToken', () => {
    const first = filterLogEvents({ logGroupName: G, logStreamNamePrefix: 'jd/', filterPattern: 'ERROR', limit: 1 }, c) as { events: Array<{ message: string; logStreamName: string }>; nextToken?: string };
    assert.deepEqual(first.events.map((e) => e.message), ['ERROR two']);
    const second = filterLogEvents({ logGroupName: G, logStreamNamePrefix: 'jd/', filterPattern: 'ERROR', limit: 1, nextToken: first.nextToken }, c) as typeof first;
    assert.deepEqual(second.events.map((e) => [e.logStreamName, e.message]), [['jd/default/1', 'ERROR one']]);
    assert.equal(second.nextToken, undefined);
    const named = filterLogEvents({ logGroupName: G, logStreamNames: ['other/default/3'] }, c) as typeof first;
    assert.deepEqual(named.events.map((e) => e.message), ['ERROR three']);
    assert.equal(errorType(() => filterLogEvents({ logGroupName: G, logStreamNames: ['x'], logStreamNamePrefix: 'y' }, c)), 'InvalidParameterException');
  });

  it('lists streams by prefix, pages, and orders descending', () => {
    type Streams = { logStreams: Array<{ logStreamName: string }>; nextToken?: string };
    const p1 = describeLogStreams({ logGroupName: G, limit: 2 }, c) as Streams;
    assert.deepEqual(p1.logStreams.map((s) => s.logStreamName), ['jd/default/1', 'jd/default/2']);
    const p2 = describeLogStreams({ logGroupName: G, limit: 2, nextToken: p1.nextToken }, c) as Streams;
    assert.deepEqual(p2.logStreams.map((s) => s.logStreamName), ['other/default/3']);
    assert.equal(p2.nextToken, undefined);
    const desc = describeLogStreams({ logGroupName: G, logStreamNamePrefix: 'jd/', descending: true }, c) as Streams;
    assert.deepEqual(desc.logStreams.map((s) => s.logStreamName), ['jd/default/2', 'jd/default/1']);
    assert.equal(errorType(() => describeLogStreams({ logGroupName: G, orderBy: 'LastEventTime', logStreamNamePrefix: 'x' }, c)), 'InvalidParameterException');
    assert.equal(errorType(() => describeLogStreams({ logGroupName: G, limit: 2, nextToken: 'garbage' }, c)), 'InvalidParameterException');
  });

  it('describes only the Batch log group', () => {
    assert.equal((describeLogGroups({ logGroupNamePrefix: '/aws/batch' }, c) as { logGroups: unknown[] }).logGroups.length, 1);
    assert.equal((describeLogGroups({ logGroupNamePrefix: '/aws/lambda' }, c) as { logGroups: unknown[] }).logGroups.length, 0);
  });
});
