/**
 * Distributed Map runs through the API (DescribeMapRun, ListMapRuns): a StatesService on the file
 * journal (a real temporary state folder) and a fake clock. A run's item and child execution counts
 * while it runs and once it ended (batched items, tolerated failures), its settings and dates; an
 * ended run answered again by a service restored from the same folder; the API's errors.
 */
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { statesTestbed } from './testbed';
import { ApiError } from '../../../../src/emulator/edge/errors';
import type { statesHandlers } from '../../../../src/emulator/states/api/handlers';

const ROLE = 'arn:aws:iam::123456789012:role/r';
const distributed = (processor: object, extra: object = {}) => ({
  StartAt: 'M',
  States: { M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...processor }, ...extra, End: true } },
});
/** Each child waits an hour. */
const WAITS = distributed({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } }, { MaxConcurrency: 2 });
/** Items in batches of 3: the batch holding item 4 fails; three failed items are tolerated (the thresholds count items). */
const SOME_FAIL = distributed(
  {
    StartAt: 'C',
    States: { C: { Type: 'Choice', Choices: [{ And: [{ Variable: '$.Items[1]', IsPresent: true }, { Variable: '$.Items[1]', NumericEquals: 4 }], Next: 'F' }], Default: 'P' }, F: { Type: 'Fail', Error: 'Bad', Cause: 'item 4' }, P: { Type: 'Pass', End: true } },
  },
  { ItemBatcher: { MaxItemsPerBatch: 3 }, ToleratedFailureCount: 3 },
);

type Described = Record<string, unknown> & { itemCounts: Record<string, number>; executionCounts: Record<string, number> };
/** A count object as DescribeMapRun answers it (nothing is redriven here). */
const counts = (c: Partial<Record<string, number>>) => ({ pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 0, resultsWritten: 0, failuresNotRedrivable: 0, pendingRedrive: 0, ...c });

describe('distributed Map runs: DescribeMapRun and ListMapRuns (file journal, fake clock)', () => {
  const bed = statesTestbed('lb-sfn-maprun-');
  const start = async (api: ReturnType<typeof statesHandlers>, definition: object, items: number) => {
    const { stateMachineArn } = (await api.CreateStateMachine({ name: `m${Math.random().toString(36).slice(2, 8)}`, roleArn: ROLE, definition: JSON.stringify(definition) })) as { stateMachineArn: string };
    const { executionArn } = (await api.StartExecution({ stateMachineArn, input: JSON.stringify({ items: Array.from({ length: items }, (_, i) => i) }) })) as { executionArn: string };
    await bed.clock.advance(0);
    return executionArn;
  };
  const rejects = (fn: () => unknown, code: string) =>
    assert.throws(fn, (e: unknown) => e instanceof ApiError && e.type === code);

  it('counts a running map run\'s children, MaxConcurrency at a time, and ends it SUCCEEDED', async () => {
    const { svc, api } = bed.service();
    const executionArn = await start(api, WAITS, 5);
    const { mapRuns } = (await api.ListMapRuns({ executionArn })) as { mapRuns: Array<Record<string, unknown>> };
    assert.equal(mapRuns.length, 1);
    const mapRunArn = String(mapRuns[0].mapRunArn);
    assert.match(mapRunArn, /^arn:aws:states:us-east-1:123456789012:mapRun:m\w+\/M:[0-9a-f-]{36}$/);
    assert.equal(mapRuns[0].stateMachineArn, mapRunArn.replace(':mapRun:', ':stateMachine:'));
    assert.equal(mapRuns[0].stopDate, undefined);

    const running = (await api.DescribeMapRun({ mapRunArn })) as Described;
    assert.equal(running.status, 'RUNNING');
    assert.equal(running.executionArn, executionArn);
    assert.equal(running.maxConcurrency, 2);
    assert.deepEqual(running.executionCounts, counts({ pending: 3, running: 2, total: 5 }));
    assert.deepEqual(running.itemCounts, running.executionCounts);

    await bed.clock.advance(3600_000);
    const later = (await api.DescribeMapRun({ mapRunArn })) as Described;
    assert.deepEqual([later.executionCounts.succeeded, later.executionCounts.running, later.executionCounts.pending], [2, 2, 1]);
    await bed.clock.runAll();
    await svc.executions.get(executionArn)!.done;
    const done = (await api.DescribeMapRun({ mapRunArn })) as Described;
    assert.equal(done.status, 'SUCCEEDED');
    assert.equal(done.executionCounts.succeeded, 5);
    assert.equal((done.stopDate as number) - (done.startDate as number), 3 * 3600);
  });

  it('counts batched items apart from child executions, tolerated failures as failed, and keeps the ended run across a restart', async () => {
    const first = bed.service();
    const executionArn = await start(first.api, SOME_FAIL, 10);
    await bed.clock.runAll();
    const outcome = await first.svc.executions.get(executionArn)!.done;
    assert.equal(outcome?.status, 'SUCCEEDED', JSON.stringify(outcome));
    const { mapRuns } = (await first.api.ListMapRuns({ executionArn })) as { mapRuns: Array<{ mapRunArn: string }> };
    const described = (await first.api.DescribeMapRun({ mapRunArn: mapRuns[0].mapRunArn })) as Described;
    // 10 items in batches of 3: 4 children, the one with item 4 (items 3-5) failed and tolerated.
    assert.deepEqual(described.executionCounts, counts({ succeeded: 3, failed: 1, total: 4 }));
    assert.deepEqual(described.itemCounts, counts({ succeeded: 7, failed: 3, total: 10 }));
    assert.deepEqual([described.status, described.toleratedFailureCount, described.toleratedFailurePercentage, described.maxConcurrency], ['SUCCEEDED', 3, 0, 0]);

    const again = bed.service();
    assert.deepEqual(await again.api.DescribeMapRun({ mapRunArn: mapRuns[0].mapRunArn }), described);
    assert.deepEqual(((await again.api.ListMapRuns({ executionArn })) as { mapRuns: unknown[] }).mapRuns, ((await first.api.ListMapRuns({ executionArn })) as { mapRuns: unknown[] }).mapRuns);
  });

  it('keeps a map run\'s start, and an ended run\'s whole record, when a restart replays its execution', async () => {
    const then = new Date(bed.clock.now());
    const first = bed.service();
    // The Map ends, then the execution waits: a restart now replays it, and its Map runs again.
    const executionArn = await start(first.api, { StartAt: 'M', States: { M: { ...SOME_FAIL.States.M, End: undefined, Next: 'Hold' }, Hold: { Type: 'Wait', Seconds: 3600, End: true } } }, 10);
    await bed.clock.advance(1000);
    const [ended] = ((await first.api.ListMapRuns({ executionArn })) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns;
    const before = await first.api.DescribeMapRun({ mapRunArn: ended.mapRunArn });
    assert.equal((before as Described).status, 'SUCCEEDED');
    // One still running at the restart: its start is the first one.
    const running = await start(first.api, WAITS, 3);
    const [live] = ((await first.api.ListMapRuns({ executionArn: running })) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns;
    const liveStart = ((await first.api.DescribeMapRun({ mapRunArn: live.mapRunArn })) as Described).startDate;
    first.svc.close();

    bed.clock = new FakeClock(then.getTime() + 600_000);
    const again = bed.service();
    await bed.clock.advance(1000);
    assert.deepEqual(await again.api.DescribeMapRun({ mapRunArn: ended.mapRunArn }), before);
    const replayed = (await again.api.DescribeMapRun({ mapRunArn: live.mapRunArn })) as Described;
    assert.deepEqual([replayed.status, replayed.startDate], ['RUNNING', liveStart]);
    assert.equal(((await again.api.ListMapRuns({ executionArn })) as { mapRuns: unknown[] }).mapRuns.length, 1);
    again.svc.close();
  });

  it('UpdateMapRun changes a running map run: more children at once, a tolerated failure count; kept across a restart; refused once it ended', async () => {
    const first = bed.service();
    const executionArn = await start(first.api, WAITS, 6);
    const [{ mapRunArn }] = ((await first.api.ListMapRuns({ executionArn })) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns;
    const described = async (api: ReturnType<typeof statesHandlers>) => (await api.DescribeMapRun({ mapRunArn })) as Described;
    assert.equal((await described(first.api)).executionCounts.running, 2);
    assert.deepEqual(await first.api.UpdateMapRun({ mapRunArn, maxConcurrency: 4, toleratedFailureCount: 1 }), {});
    await bed.clock.advance(0);
    let d = await described(first.api);
    assert.deepEqual([d.maxConcurrency, d.toleratedFailureCount, d.executionCounts.running, d.executionCounts.pending], [4, 1, 4, 2], 'two more children start at once');
    rejects(() => first.api.UpdateMapRun({ mapRunArn, maxConcurrency: -1 }), 'ValidationException');
    rejects(() => first.api.UpdateMapRun({ mapRunArn, toleratedFailurePercentage: 101 }), 'ValidationException');
    rejects(() => first.api.UpdateMapRun({ mapRunArn, maxConcurrency: 1.5 }), 'ValidationException');
    rejects(() => first.api.UpdateMapRun({ mapRunArn: `${mapRunArn.slice(0, -4)}0000` }), 'ResourceNotFound');
    rejects(() => first.api.UpdateMapRun({ mapRunArn: executionArn }), 'InvalidArn');
    first.svc.close();

    // The replay after a restart runs the map run with its updated settings.
    const again = bed.service();
    await bed.clock.advance(0);
    d = await described(again.api);
    assert.deepEqual([d.maxConcurrency, d.toleratedFailureCount, d.executionCounts.running], [4, 1, 4]);
    await again.api.UpdateMapRun({ mapRunArn, maxConcurrency: 0 });
    await bed.clock.advance(0);
    assert.equal((await described(again.api)).executionCounts.running, 6, '0: all at once');
    await bed.clock.runAll();
    await again.svc.executions.get(executionArn)!.done;
    assert.equal((await described(again.api)).status, 'SUCCEEDED');
    rejects(() => again.api.UpdateMapRun({ mapRunArn, maxConcurrency: 2 }), 'ValidationException');
    again.svc.close();
  });

  it('UpdateMapRun of a tolerated failure count lets a run go on that would have failed, also in the replay after a restart', async () => {
    const { svc, api } = bed.service();
    // Item 0 fails at once; the others wait; the Map tolerates no failure until it is updated.
    const definition = distributed({ StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 0, Next: 'F' }], Default: 'W' }, F: { Type: 'Fail', Error: 'Bad' }, W: { Type: 'Wait', Seconds: 60, End: true } } }, { MaxConcurrency: 1, ToleratedFailureCount: 0 });
    // (then the execution waits: a restart replays it, Map and all)
    const { stateMachineArn } = (await api.CreateStateMachine({ name: 'tolerate', roleArn: ROLE, definition: JSON.stringify({ StartAt: 'M', States: { M: { ...definition.States.M, End: undefined, Next: 'Hold' }, Hold: { Type: 'Wait', Seconds: 3600, End: true } } }) })) as { stateMachineArn: string };
    // (the first item waits, so the update comes before the failing one runs)
    const { executionArn } = (await api.StartExecution({ stateMachineArn, input: JSON.stringify({ items: [1, 0, 2] }) })) as { executionArn: string };
    await bed.clock.advance(0);
    const [{ mapRunArn }] = ((await api.ListMapRuns({ executionArn })) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns;
    await api.UpdateMapRun({ mapRunArn, toleratedFailureCount: 1 });
    await bed.clock.advance(300_000);
    const d = (await api.DescribeMapRun({ mapRunArn })) as Described;
    assert.deepEqual([d.status, d.itemCounts.failed, d.itemCounts.succeeded], ['SUCCEEDED', 1, 2]);
    svc.close();
    const again = bed.service();
    await bed.clock.runAll();
    await again.svc.executions.get(executionArn)!.done;
    assert.equal(again.svc.executions.get(executionArn)!.status, 'SUCCEEDED', 'the replayed Map tolerates the failure as the updated run did');
    assert.deepEqual(await again.api.DescribeMapRun({ mapRunArn }), d);
    again.svc.close();
  });

  it('ends a run FAILED past its tolerated failures, ABORTED when the execution is stopped; errors as AWS names them', async () => {
    const { svc, api } = bed.service();
    // Three failed items (one batch) are over a tolerated count of 2.
    const failing = await start(api, { ...SOME_FAIL, States: { M: { ...SOME_FAIL.States.M, ToleratedFailureCount: 2 } } }, 10);
    await bed.clock.runAll();
    await svc.executions.get(failing)!.done;
    const [failed] = ((await api.ListMapRuns({ executionArn: failing })) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns;
    const f = (await api.DescribeMapRun({ mapRunArn: failed.mapRunArn })) as Described;
    assert.equal(f.status, 'FAILED');
    assert.equal(f.itemCounts.failed, 3);
    assert.equal(f.executionCounts.running, 0, 'none still running once ended');

    const stopped = await start(api, WAITS, 3);
    await api.StopExecution({ executionArn: stopped });
    await svc.executions.get(stopped)!.done;
    const [aborted] = ((await api.ListMapRuns({ executionArn: stopped })) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns;
    const d = (await api.DescribeMapRun({ mapRunArn: aborted.mapRunArn })) as Described;
    assert.equal(d.status, 'ABORTED');
    // The child never started was never an execution; its item was never processed.
    assert.deepEqual(d.executionCounts, counts({ aborted: 2, total: 2 }));
    assert.deepEqual(d.itemCounts, counts({ aborted: 2, pending: 1, total: 3 }));

    rejects(() => api.DescribeMapRun({ mapRunArn: 'nope' }), 'InvalidArn');
    rejects(() => api.DescribeMapRun({ mapRunArn: failing }), 'InvalidArn');
    rejects(() => api.DescribeMapRun({ mapRunArn: `${failed.mapRunArn.slice(0, -4)}0000` }), 'ResourceNotFound');
    rejects(() => api.ListMapRuns({ executionArn: `${failing}x` }), 'ExecutionDoesNotExist');
    // Its children are listed by ListExecutions (map-run-children.test.ts): all 4 here.
    assert.equal(((await api.ListExecutions({ mapRunArn: failed.mapRunArn })) as { executions: unknown[] }).executions.length, 4);
    // An execution without a distributed Map has no map runs.
    const { stateMachineArn } = (await api.CreateStateMachine({ name: 'plain', roleArn: ROLE, definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }) })) as { stateMachineArn: string };
    const { executionArn: plain } = (await api.StartExecution({ stateMachineArn })) as { executionArn: string };
    await svc.executions.get(plain)!.done;
    assert.deepEqual(((await api.ListMapRuns({ executionArn: plain })) as { mapRuns: unknown[] }).mapRuns, []);
  });
});
