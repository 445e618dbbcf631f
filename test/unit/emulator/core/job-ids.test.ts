/** Strict `<array-job-id>:<index>` parsing, in the core lookup and the CLI's saved-state lookup. */
import assert from 'node:assert/strict';
import { parseChildId, parsePositiveInteger } from '../../../../src/emulator/batch/core/job-ids';
import { savedJobLogs } from '../../../../src/emulator/store/job-lookup';
import type { EngineSnapshot } from '../../../../src/emulator/batch/core/snapshot';

describe('array child ids', () => {
  it('accepts a non-negative decimal index without sign, spaces or leading zeros', () => {
    assert.deepEqual(parseChildId('abc:0'), { parentId: 'abc', index: 0 });
    assert.deepEqual(parseChildId('abc:12'), { parentId: 'abc', index: 12 });
    assert.deepEqual(parseChildId('a:b:3'), { parentId: 'a:b', index: 3 });
  });

  for (const bad of ['abc:1.5', 'abc: 1', 'abc:1 ', 'abc:01', 'abc:-1', 'abc:+1', 'abc:', ':1', 'abc:1e2', 'abc:0x1', 'abc:999999', 'abc']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parseChildId(bad), undefined));
  }

  it('parses --attempt strictly', () => {
    assert.equal(parsePositiveInteger('2'), 2);
    for (const bad of ['0', '-1', '1.0', ' 1', '01', '1e0', '']) assert.equal(parsePositiveInteger(bad), undefined, bad);
  });

  it('finds saved children only by a strict index, in range', () => {
    const snapshot = { jobs: [{ id: 'p', status: 'SUCCEEDED', request: { jobName: 'p' }, children: [{ status: 'SUCCEEDED', attempts: [{ container: { logStreamName: 's0' } }] }] }] } as unknown as EngineSnapshot;
    assert.deepEqual(savedJobLogs(snapshot, 'p:0')?.attemptStreams, ['s0']);
    for (const bad of ['p:00', 'p: 0', 'p:0.0', 'p:1', 'p:-0']) assert.equal(savedJobLogs(snapshot, bad), undefined, bad);
  });
});
