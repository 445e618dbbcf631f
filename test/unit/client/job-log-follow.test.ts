import assert from 'node:assert/strict';
import type { JobDetail } from '@aws-sdk/client-batch';
import { attemptStreams, byTimestamp, endLine, eventLine } from '../../../src/client/job-log-follow';
import { withIsoTimes, wrapText } from '../../../src/client/display-text';

describe('job log lines and view text (unit)', () => {
  it('prefixes each event with its ISO time and orders events by timestamp, stably', () => {
    assert.equal(eventLine({ timestamp: Date.UTC(2026, 11, 1, 12, 0, 1, 5), message: 'hi' }), '2026-12-01T12:00:01.005Z  hi');
    const sorted = byTimestamp([{ timestamp: 2, message: 'b' }, { timestamp: 1, message: 'a' }, { timestamp: 2, message: 'c' }]);
    assert.deepEqual(sorted.map((e) => e.message), ['a', 'b', 'c']);
  });

  it('lists the attempts\' log streams: finished ones, then the running one once', () => {
    const running = { status: 'RUNNING', startedAt: 30, container: { logStreamName: 's2' }, attempts: [{ startedAt: 10, container: { logStreamName: 's1', exitCode: 1 } }] } as JobDetail;
    assert.deepEqual(attemptStreams(running), [{ stream: 's1', startedAt: 10 }, { stream: 's2', startedAt: 30 }]);
    const done = { ...running, status: 'FAILED', attempts: [...running.attempts!, { startedAt: 30, container: { logStreamName: 's2', exitCode: 1 } }] } as JobDetail;
    assert.deepEqual(attemptStreams(done).map((a) => a.stream), ['s1', 's2']);
    assert.deepEqual(attemptStreams({ status: 'RUNNABLE' } as JobDetail), []);
  });

  it('ends with the status, the reason of a failure and the exit code', () => {
    assert.equal(endLine({ status: 'FAILED', statusReason: 'Essential container in task exited', container: { exitCode: 3 } } as JobDetail), 'Job FAILED: Essential container in task exited (exit code 3)');
    assert.equal(endLine({ status: 'SUCCEEDED', statusReason: 'ignored', attempts: [{ container: { exitCode: 0 } }] } as JobDetail), 'Job SUCCEEDED (exit code 0)');
  });

  it('adds ISO times next to epoch-millisecond ones, at any depth, leaving the rest', () => {
    const t = Date.UTC(2026, 0, 2, 3, 4, 5);
    assert.deepEqual(withIsoTimes({ createdAt: t, jobName: 'x', attempts: [{ startedAt: t, container: { exitCode: 0 } }], stoppedAt: undefined }), {
      createdAt: t, createdAtIso: '2026-01-02T03:04:05.000Z', jobName: 'x', attempts: [{ startedAt: t, startedAtIso: '2026-01-02T03:04:05.000Z', container: { exitCode: 0 } }], stoppedAt: undefined,
    });
  });

  it('wraps a long message into lines of at most the width, splitting only words longer than a line', () => {
    const text = 'Could not load credentials from any providers: the profile dev has no sso_session and its credential_process exited with code 1 '
      + 'x'.repeat(90);
    const lines = wrapText(text, 40);
    assert.ok(lines.every((l) => l.length <= 40), JSON.stringify(lines));
    assert.equal(lines.join(' ').replace(/(x{40}) (?=x)/g, '$1'), text);
    assert.deepEqual(wrapText('one\ntwo three', 5), ['one', 'two', 'three']);
  });
});
