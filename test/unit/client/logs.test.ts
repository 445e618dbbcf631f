import assert from 'node:assert/strict';
import type { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { followLogStream } from '../../../src/client/logs';

describe('log following (unit)', () => {
  it('reads all pages, follows while running, and reads once more after the job finished', async () => {
    const pages: Array<{ events: Array<{ message: string }>; nextForwardToken: string }> = [
      { events: [{ message: 'a' }], nextForwardToken: 't1' },
      { events: [], nextForwardToken: 't1' },
      { events: [{ message: 'b' }], nextForwardToken: 't2' },
      { events: [], nextForwardToken: 't2' },
      { events: [{ message: 'c' }], nextForwardToken: 't3' },
      { events: [], nextForwardToken: 't3' },
    ];
    const tokens: Array<string | undefined> = [];
    const client = { send: async (cmd: GetLogEventsCommand) => (tokens.push(cmd.input.nextToken), pages.shift() ?? { events: [], nextForwardToken: 't3' }) } as unknown as CloudWatchLogsClient;
    const seen: string[] = [];
    let checks = 0;
    await followLogStream(client, {
      logStreamName: 's',
      onEvents: (e) => seen.push(...e.map((x) => x.message!)),
      isFinished: async () => ++checks >= 2,
      signal: new AbortController().signal,
      sleep: async () => undefined,
    });
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.deepEqual(tokens, [undefined, 't1', 't1', 't2', 't2', 't3']);
  });
});
