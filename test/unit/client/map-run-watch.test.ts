/**
 * A distributed Map's progress (map-run-watch.ts, map-run-text.ts): DescribeMapRun asked at most every
 * few seconds while a map run runs, once more when forced, never after its end; a change is reported
 * once. The SFN client is a fake that answers from a script (pure logic, no emulator).
 */
import * as assert from 'node:assert/strict';
import { DescribeMapRunCommand, type DescribeMapRunOutput, type SFNClient } from '@aws-sdk/client-sfn';
import { ListMapRunsCommand } from '@aws-sdk/client-sfn';
import { MapRunLines } from '../../../src/client/map-run-lines';
import { latestMapRunText } from '../../../src/client/map-run-summary';
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

  it("the graph's lines: each Map node's latest map run only; a Map entered again shows none until its new run is described", async () => {
    const answers = new Map<string, Partial<DescribeMapRunOutput>>();
    const count = (total: number, succeeded: number, running: number) => ({ total, succeeded, running }) as DescribeMapRunOutput['itemCounts'];
    const sfn = { send: async (cmd: DescribeMapRunCommand) => answers.get(cmd.input.mapRunArn!) ?? Promise.reject(new Error('unknown')) } as unknown as SFNClient;
    const lines = new MapRunLines(1000);
    await lines.update(sfn, new Map(), false, 0);
    assert.equal(lines.line('Loop'), undefined);
    assert.equal(lines.watching, false);
    answers.set('run-1', { status: 'RUNNING', itemCounts: count(4, 1, 2) });
    await lines.update(sfn, new Map([['Loop', 'run-1']]), false, 1_000);
    assert.equal(lines.line('Loop'), '1/4 items, 2 running');
    assert.equal(lines.watching, true);
    answers.set('run-1', { status: 'SUCCEEDED', itemCounts: count(4, 4, 0) });
    // The Map is entered again (the history's latest run for it is run-2), which cannot be described yet.
    await lines.update(sfn, new Map([['Loop', 'run-2']]), false, 5_000);
    assert.equal(lines.line('Loop'), '', 'the last pass\'s 4/4 is not shown for the new pass');
    answers.set('run-2', { status: 'RUNNING', itemCounts: count(3, 0, 3) });
    await lines.update(sfn, new Map([['Loop', 'run-2']]), false, 5_500);
    assert.equal(lines.line('Loop'), '', 'asked at most every second');
    await lines.update(sfn, new Map([['Loop', 'run-2']]), false, 6_000);
    assert.equal(lines.line('Loop'), '0/3 items, 3 running');
    answers.set('run-2', { status: 'SUCCEEDED', itemCounts: count(3, 3, 0) });
    await lines.update(sfn, new Map([['Loop', 'run-2']]), true, 6_100);
    assert.equal(lines.line('Loop'), '3/3 items', 'the execution ended: asked at once');
    assert.equal(lines.watching, false);
  });

  it("a list row's words: the execution's newest map run and its counts; nothing when it has none or they cannot be read", async () => {
    const run = (state: string, id: string) => `arn:aws:states:us-east-1:000000000000:mapRun:flow/${state}:${id}`;
    let runs: Array<{ mapRunArn: string; startDate: Date }> = [];
    let failing = false;
    const sfn = {
      send: async (cmd: unknown) => {
        if (failing) throw new Error('connection refused');
        if (cmd instanceof ListMapRunsCommand) return { mapRuns: runs };
        const arn = (cmd as DescribeMapRunCommand).input.mapRunArn!;
        return { status: 'RUNNING', itemCounts: arn.endsWith(':new') ? { total: 8, succeeded: 4, failed: 1, running: 2 } : { total: 2, succeeded: 2 } };
      },
    } as unknown as SFNClient;
    assert.equal(await latestMapRunText(sfn, 'arn:exec'), undefined);
    runs = [{ mapRunArn: run('Fan', 'old'), startDate: new Date(1000) }, { mapRunArn: run('Sweep', 'new'), startDate: new Date(2000) }];
    assert.equal(await latestMapRunText(sfn, 'arn:exec'), 'Sweep 5/8 items, 1 failed, 2 running');
    failing = true;
    assert.equal(await latestMapRunText(sfn, 'arn:exec'), undefined);
  });
});
