/**
 * A distributed Map's progress (map-run-watch.ts, map-run-text.ts): DescribeMapRun asked at most every
 * few seconds while a map run runs, once more when forced, never after its end; a change is reported
 * once. The SFN client is a fake that answers from a script (pure logic, no emulator).
 */
import * as assert from 'node:assert/strict';
import { DescribeMapRunCommand, type DescribeMapRunOutput, type SFNClient } from '@aws-sdk/client-sfn';
import { MapRunWatch, mapRunStateName } from '../../../src/client/map-run-watch';
import { mapRunProgressShort, mapRunProgressText } from '../../../src/model/map-run-text';

const ARN = 'arn:aws:states:us-east-1:000000000000:mapRun:pipeline/Fan Out:1b2c';

/** A fake SFN client: DescribeMapRun answers the current `state`; every call is counted. */
function fakeSfn(state: { answer: Partial<DescribeMapRunOutput> | Error }) {
  const asked: string[] = [];
  const sfn = {
    send: async (cmd: unknown) => {
      assert.ok(cmd instanceof DescribeMapRunCommand);
      asked.push(cmd.input.mapRunArn!);
      if (state.answer instanceof Error) throw state.answer;
      return state.answer;
    },
  } as unknown as SFNClient;
  return { sfn, asked };
}

describe('map run progress (unit, fake SFN client)', () => {
  it('asks at most every interval while running, reports only changes, and stops after the end', async () => {
    const state: { answer: Partial<DescribeMapRunOutput> | Error } = { answer: { status: 'RUNNING', itemCounts: { total: 3, succeeded: 0, running: 3 } as DescribeMapRunOutput['itemCounts'] } };
    const { sfn, asked } = fakeSfn(state);
    const heard: string[] = [];
    const watch = new MapRunWatch(sfn, (arn, d) => heard.push(`${arn === ARN}:${d.status}:${mapRunProgressText(d.itemCounts)}`), 1000);
    await watch.look(0);
    assert.equal(asked.length, 0, 'nothing seen, nothing asked');
    watch.seen(ARN);
    watch.seen(ARN);
    watch.seen(undefined);
    await watch.look(10_000);
    await watch.look(10_500);
    assert.equal(asked.length, 1, 'once within the interval');
    await watch.look(11_000);
    assert.equal(asked.length, 2);
    assert.deepEqual(heard, ['true:RUNNING:0 of 3 items done (0 succeeded), 3 running'], 'the same counts are not reported again');
    state.answer = new Error('connection refused');
    await watch.look(12_000);
    assert.equal(heard.length, 1, 'a failed ask reports nothing');
    state.answer = { status: 'SUCCEEDED', itemCounts: { total: 3, succeeded: 2, failed: 1, running: 0 } as DescribeMapRunOutput['itemCounts'] };
    await watch.look(12_100, true);
    assert.deepEqual(heard.at(-1), 'true:SUCCEEDED:3 of 3 items done (2 succeeded, 1 failed)');
    const n = asked.length;
    await watch.look(20_000, true);
    assert.equal(asked.length, n, 'an ended run is not asked about again');
  });

  it('words the counts as the CLI and the graph show them, and names the Map state of a map run ARN', () => {
    assert.equal(mapRunProgressText({ total: 6, succeeded: 4, failed: 1, running: 1 }), '5 of 6 items done (4 succeeded, 1 failed), 1 running');
    assert.equal(mapRunProgressText({ total: 4, succeeded: 1, timedOut: 1, aborted: 2 }), '4 of 4 items done (1 succeeded, 1 timed out, 2 aborted)');
    assert.equal(mapRunProgressText(undefined), '0 of 0 items done (0 succeeded)');
    assert.equal(mapRunProgressShort({ total: 6, succeeded: 3, failed: 1, timedOut: 1, running: 1 }), '5/6 items, 1 failed, 1 timed out, 1 running');
    assert.equal(mapRunProgressShort({ total: 2, succeeded: 2 }), '2/2 items');
    assert.equal(mapRunStateName(ARN), 'Fan Out');
  });
});
