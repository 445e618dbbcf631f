/**
 * A distributed Map's child workflow executions through the API: ListExecutions by mapRunArn,
 * DescribeExecution, GetExecutionHistory and DescribeStateMachineForExecution of a child, while its
 * run runs and once it ended, after a restart (read back from the map run's log, or written anew
 * by the replay of a run still running), and a stopped parent's children. A StatesService on the
 * file journal (a real temporary state folder) and a fake clock.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { statesTestbed } from './testbed';
import { ApiError } from '../../../../src/emulator/edge/errors';
import type { statesHandlers } from '../../../../src/emulator/states/api/handlers';
import { fileJournal } from '../../../../src/emulator/states/store';

const ROLE = 'arn:aws:iam::123456789012:role/r';
const processor = (states: object) => ({ ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: Object.keys(states)[0], States: states });
/** Each child waits an hour, then doubles its item; two at a time. */
const WAITS = {
  StartAt: 'M',
  States: {
    M: { Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2, ItemProcessor: processor({ W: { Type: 'Wait', Seconds: 3600, Next: 'D' }, D: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($, $)' }, End: true } }), End: true },
  },
};
/** In a Parallel's branch: batches of 3, the batch holding item 4 fails (tolerated). */
const BATCHED = {
  StartAt: 'P',
  States: {
    P: {
      Type: 'Parallel',
      End: true,
      Branches: [
        {
          StartAt: 'Inner',
          States: {
            Inner: {
              Type: 'Map',
              ItemsPath: '$.items',
              ItemBatcher: { MaxItemsPerBatch: 3 },
              ToleratedFailureCount: 3,
              ItemProcessor: processor({ C: { Type: 'Choice', Choices: [{ Variable: '$.Items[0]', NumericEquals: 4, Next: 'F' }], Default: 'OK' }, F: { Type: 'Fail', Error: 'Bad', Cause: 'item 4' }, OK: { Type: 'Succeed' } }),
              End: true,
            },
          },
        },
      ],
    },
  },
};

type Item = Record<string, unknown> & { executionArn: string; status: string };
type Event = Record<string, unknown> & { type: string; id: number; previousEventId: number };

describe('distributed Map child executions: ListExecutions, DescribeExecution, GetExecutionHistory (file journal, fake clock)', () => {
  const bed = statesTestbed('lb-sfn-children-');
  const start = async (api: ReturnType<typeof statesHandlers>, definition: object, items: number, name = 'm') => {
    const { stateMachineArn } = (await api.CreateStateMachine({ name, roleArn: ROLE, definition: JSON.stringify(definition) })) as { stateMachineArn: string };
    const { executionArn } = (await api.StartExecution({ stateMachineArn, name: 'run1', input: JSON.stringify({ items: Array.from({ length: items }, (_, i) => i + 1) }) })) as { executionArn: string };
    await bed.clock.advance(0);
    const [run] = ((await api.ListMapRuns({ executionArn })) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns;
    return { executionArn, mapRunArn: run.mapRunArn };
  };
  const children = async (api: ReturnType<typeof statesHandlers>, input: Record<string, unknown>) => ((await api.ListExecutions(input)) as { executions: Item[] }).executions;
  const history = async (api: ReturnType<typeof statesHandlers>, executionArn: string) => ((await api.GetExecutionHistory({ executionArn })) as { events: Event[] }).events;
  const rejects = async (fn: () => unknown, code: string, message?: RegExp) =>
    assert.rejects(async () => fn(), (e: unknown) => e instanceof ApiError && e.type === code && (!message || message.test(e.message)));

  it('lists the children started so far, each an execution with its own history, input and output', async () => {
    const { svc, api } = bed.service();
    const { executionArn, mapRunArn } = await start(api, WAITS, 3);
    const running = await children(api, { mapRunArn });
    assert.equal(running.length, 2, 'MaxConcurrency 2: the third child has not started');
    const prefix = mapRunArn.replace(':mapRun:', ':execution:');
    for (const c of running) {
      assert.equal(c.executionArn, `${prefix}:${String(c.name)}`);
      assert.match(String(c.name), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.deepEqual([c.status, c.stateMachineArn, c.mapRunArn, c.itemCount, c.stopDate], ['RUNNING', mapRunArn.replace(':mapRun:', ':stateMachine:'), mapRunArn, 1, undefined]);
    }
    const live = running.find((c) => svc.mapRunChildren.get(mapRunArn, c.executionArn)?.index === 0)!;
    const d = (await api.DescribeExecution({ executionArn: live.executionArn })) as Record<string, unknown>;
    assert.deepEqual([d.status, d.input, d.output, d.mapRunArn], ['RUNNING', '1', undefined, mapRunArn]);
    assert.deepEqual((await history(api, live.executionArn)).map((e) => e.type), ['ExecutionStarted', 'WaitStateEntered']);

    await bed.clock.runAll();
    await svc.executions.get(executionArn)!.done;
    const ended = await children(api, { mapRunArn });
    assert.equal(ended.length, 3);
    assert.deepEqual(ended.map((c) => c.status), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    // Newest first: the third child started an hour after the first two.
    assert.equal(svc.mapRunChildren.get(mapRunArn, ended[0].executionArn)?.index, 2);
    const done = (await api.DescribeExecution({ executionArn: live.executionArn })) as Record<string, unknown>;
    assert.deepEqual([done.status, done.input, done.output, done.redriveStatus, (done.stopDate as number) - (done.startDate as number)], ['SUCCEEDED', '1', '{"v":2}', 'NOT_REDRIVABLE', 3600]);
    const events = await history(api, live.executionArn);
    assert.deepEqual(events.map((e) => [e.type, e.id, e.previousEventId]), [
      ['ExecutionStarted', 1, 0],
      ['WaitStateEntered', 2, 1],
      ['WaitStateExited', 3, 2],
      ['PassStateEntered', 4, 3],
      ['PassStateExited', 5, 4],
      ['ExecutionSucceeded', 6, 5],
    ]);
    assert.deepEqual(events[0].executionStartedEventDetails, { input: '1', inputDetails: { truncated: false }, roleArn: ROLE });
    assert.deepEqual(events[5].executionSucceededEventDetails, { output: '{"v":2}', outputDetails: { truncated: false } });
    // The parent's own history holds none of its children's states.
    assert.ok(!(await history(api, executionArn)).some((e) => e.type.startsWith('Wait') || e.type.startsWith('Pass')));

    // Paged, newest first, and filtered by status.
    const first = (await api.ListExecutions({ mapRunArn, maxResults: 2 })) as { executions: Item[]; nextToken?: string };
    const rest = (await api.ListExecutions({ mapRunArn, maxResults: 2, nextToken: first.nextToken })) as { executions: Item[]; nextToken?: string };
    assert.deepEqual([...first.executions, ...rest.executions].map((c) => c.executionArn), ended.map((c) => c.executionArn));
    assert.equal(rest.nextToken, undefined);
    assert.deepEqual(await children(api, { mapRunArn, statusFilter: 'FAILED' }), []);

    const sm = (await api.DescribeStateMachineForExecution({ executionArn: live.executionArn })) as Record<string, unknown>;
    assert.deepEqual([sm.stateMachineArn, sm.name, sm.label, sm.mapRunArn, sm.roleArn], [mapRunArn.replace(':mapRun:', ':stateMachine:'), 'm/M', 'M', mapRunArn, ROLE]);
    assert.deepEqual(JSON.parse(String(sm.definition)), { StartAt: 'W', States: WAITS.States.M.ItemProcessor.States });
  });

  it('a batch is one child of its items; a failed one says its error; a Map in a Parallel\'s branch is found', async () => {
    const { svc, api } = bed.service();
    const { executionArn, mapRunArn } = await start(api, BATCHED, 7);
    await bed.clock.runAll();
    assert.equal((await svc.executions.get(executionArn)!.done)?.status, 'SUCCEEDED');
    const all = await children(api, { mapRunArn });
    assert.deepEqual(all.map((c) => c.itemCount).sort(), [1, 3, 3]);
    const [failed] = await children(api, { mapRunArn, statusFilter: 'FAILED' });
    const d = (await api.DescribeExecution({ executionArn: failed.executionArn })) as Record<string, unknown>;
    assert.deepEqual([d.error, d.cause, d.redriveStatus, JSON.parse(String(d.input)).Items], ['Bad', 'item 4', 'REDRIVABLE_BY_MAP_RUN', [4, 5, 6]]);
    assert.deepEqual((await history(api, failed.executionArn)).map((e) => e.type), ['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'FailStateEntered', 'ExecutionFailed']);
    const sm = (await api.DescribeStateMachineForExecution({ executionArn: failed.executionArn })) as Record<string, unknown>;
    assert.equal(JSON.parse(String(sm.definition)).StartAt, 'C');
    assert.equal(sm.label, 'Inner');
  });

  it('an ended run\'s children are read back after a restart; a running run\'s are written anew by the replay, under the same names', async () => {
    const first = bed.service();
    const ended = await start(first.api, BATCHED, 7, 'done');
    await bed.clock.runAll();
    await first.svc.executions.get(ended.executionArn)!.done;
    const before = await children(first.api, { mapRunArn: ended.mapRunArn });
    const described = await Promise.all(before.map((c) => first.api.DescribeExecution({ executionArn: c.executionArn })));
    const histories = await Promise.all(before.map((c) => history(first.api, c.executionArn)));
    const live = await start(first.api, WAITS, 3, 'live');
    const liveBefore = (await children(first.api, { mapRunArn: live.mapRunArn })).map((c) => c.executionArn).sort();
    first.svc.close();

    const again = bed.service();
    assert.deepEqual(await children(again.api, { mapRunArn: ended.mapRunArn }), before);
    assert.deepEqual(await Promise.all(before.map((c) => again.api.DescribeExecution({ executionArn: c.executionArn }))), described);
    assert.deepEqual(await Promise.all(before.map((c) => history(again.api, c.executionArn))), histories);
    // The replay runs the live Map again: the same two children, started anew, none twice.
    await bed.clock.advance(0);
    const replayed = await children(again.api, { mapRunArn: live.mapRunArn });
    assert.deepEqual(replayed.map((c) => c.executionArn).sort(), liveBefore);
    assert.deepEqual(replayed.map((c) => c.status), ['RUNNING', 'RUNNING']);
    await bed.clock.runAll();
    await again.svc.executions.get(live.executionArn)!.done;
    assert.equal((await children(again.api, { mapRunArn: live.mapRunArn })).filter((c) => c.status === 'SUCCEEDED').length, 3);
    assert.equal(readdirSync(path.join(bed.dir, 'states-maprun')).length, 2, 'one log a map run');
    again.svc.close();
  });

  it('a stopped parent\'s running children end ABORTED; a child is not stopped alone; unknown children do not exist', async () => {
    const { svc, api } = bed.service();
    const { executionArn, mapRunArn } = await start(api, WAITS, 3);
    const [one] = await children(api, { mapRunArn });
    await rejects(() => api.StopExecution({ executionArn: one.executionArn }), 'ValidationException', new RegExp(`stop '${executionArn}'`));
    await api.StopExecution({ executionArn });
    await svc.executions.get(executionArn)!.done;
    const after = await children(api, { mapRunArn });
    assert.deepEqual(after.map((c) => c.status), ['ABORTED', 'ABORTED']);
    const events = await history(api, one.executionArn);
    assert.deepEqual(events.map((e) => e.type), ['ExecutionStarted', 'WaitStateEntered', 'WaitStateAborted', 'ExecutionAborted']);
    assert.equal(((await api.DescribeExecution({ executionArn: one.executionArn })) as Record<string, unknown>).redriveStatus, 'REDRIVABLE_BY_MAP_RUN');

    await rejects(() => api.DescribeExecution({ executionArn: `${one.executionArn.slice(0, -4)}0000` }), 'ExecutionDoesNotExist');
    await rejects(() => api.GetExecutionHistory({ executionArn: `${mapRunArn.replace(':mapRun:', ':execution:')}x:y` }), 'ExecutionDoesNotExist');
    await rejects(() => api.ListExecutions({ mapRunArn: `${mapRunArn.slice(0, -4)}0000` }), 'ResourceNotFound');
    await rejects(() => api.ListExecutions({ mapRunArn, stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m' }), 'ValidationException');
    await rejects(() => api.ListExecutions({ mapRunArn, statusFilter: 'NOPE' }), 'ValidationException');
    await rejects(() => api.ListExecutions({}), 'ValidationException', /stateMachineArn .*or mapRunArn/);
    // Nothing is redriven here: REDRIVEN lists none, NOT_REDRIVEN all; another filter is refused.
    assert.deepEqual(await children(api, { mapRunArn, redriveFilter: 'REDRIVEN' }), []);
    assert.equal((await children(api, { mapRunArn, redriveFilter: 'NOT_REDRIVEN' })).length, 2);
    await rejects(() => api.ListExecutions({ mapRunArn, redriveFilter: 'BOGUS' }), 'ValidationException');
    // A child's own map runs: it has none (an empty list, not an unknown execution).
    assert.deepEqual(((await api.ListMapRuns({ executionArn: one.executionArn })) as { mapRuns: unknown[] }).mapRuns, []);
  });

  it("a distributed Map inside a child is a map run of that child: listed by ListMapRuns of the child, its own children listed and kept across a restart", async () => {
    const first = bed.service();
    const nested = {
      StartAt: 'Outer',
      States: {
        Outer: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'rows.$': 'States.Array($$.Map.Item.Value, 10)' },
          ItemProcessor: processor({ Inner: { Type: 'Map', Label: 'Rows', ItemsPath: '$.rows', ItemProcessor: processor({ D: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($, 1)' }, End: true } }), End: true } }),
          End: true,
        },
      },
    };
    const { executionArn, mapRunArn } = await start(first.api, nested, 2, 'nested');
    await bed.clock.runAll();
    await first.svc.executions.get(executionArn)!.done;
    assert.equal(first.svc.executions.get(executionArn)!.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(first.svc.executions.get(executionArn)!.output!), [[{ v: 2 }, { v: 11 }], [{ v: 3 }, { v: 11 }]]);
    const outer = await children(first.api, { mapRunArn });
    assert.equal(outer.length, 2);
    const inner = async (api: ReturnType<typeof statesHandlers>) => {
      const out: Array<{ run: Record<string, unknown>; children: string[] }> = [];
      for (const child of outer) {
        const { mapRuns } = (await api.ListMapRuns({ executionArn: child.executionArn })) as { mapRuns: Array<{ mapRunArn: string; executionArn: string }> };
        assert.equal(mapRuns.length, 1, "the child's own map run");
        assert.equal(mapRuns[0].executionArn, child.executionArn);
        assert.match(mapRuns[0].mapRunArn, /:mapRun:nested\/Rows:/);
        const run = (await api.DescribeMapRun({ mapRunArn: mapRuns[0].mapRunArn })) as Record<string, unknown>;
        const grandchildren = await children(api, { mapRunArn: mapRuns[0].mapRunArn });
        out.push({ run, children: grandchildren.map((c) => `${c.status} ${JSON.stringify((api.DescribeExecution({ executionArn: c.executionArn }) as { output: string }).output)}`).sort() });
        const childHistory = await history(api, child.executionArn);
        assert.ok(childHistory.some((e) => e.type === 'MapRunStarted' && (e.mapRunStartedEventDetails as { mapRunArn: string }).mapRunArn === mapRuns[0].mapRunArn), "the child's history names it");
      }
      return out;
    };
    const before = await inner(first.api);
    assert.deepEqual(before.map((b) => [b.run.status, (b.run.executionCounts as { succeeded: number }).succeeded]), [['SUCCEEDED', 2], ['SUCCEEDED', 2]]);
    assert.deepEqual(before.map((b) => b.children.length), [2, 2]);
    assert.deepEqual(((await first.api.ListMapRuns({ executionArn })) as { mapRuns: unknown[] }).mapRuns.length, 1, "the parent's own map runs only");
    first.svc.close();
    const again = bed.service();
    assert.deepEqual(await inner(again.api), before);
    again.svc.close();
  });

  it('without MaxConcurrency, runs at most 10,000 children at once (as AWS documents)', async () => {
    const { svc, api } = bed.service();
    const unbounded = { StartAt: 'M', States: { M: { ...WAITS.States.M, MaxConcurrency: undefined } } };
    const { executionArn, mapRunArn } = await start(api, unbounded, 10_001);
    const d = (await api.DescribeMapRun({ mapRunArn })) as { executionCounts: Record<string, number> };
    assert.deepEqual([d.executionCounts.running, d.executionCounts.pending], [10_000, 1]);
    await api.StopExecution({ executionArn });
    await svc.executions.get(executionArn)!.done;
    assert.equal((await children(api, { mapRunArn, maxResults: 1000 })).length, 1000);
  });

  it('the replay of a map run that had ended takes the path it took: a child over the payload limit fails there too', async () => {
    const def = {
      StartAt: 'M',
      States: {
        M: { Type: 'Map', ItemsPath: '$.items', ResultPath: null, ItemProcessor: processor({ Big: { Type: 'Pass', Result: 'x'.repeat(300_000), End: true } }), Catch: [{ ErrorEquals: ['States.DataLimitExceeded'], Next: 'Caught' }], Next: 'Ok' },
        Caught: { Type: 'Wait', Seconds: 3600, Next: 'CaughtEnd' },
        CaughtEnd: { Type: 'Pass', Result: 'caught', End: true },
        Ok: { Type: 'Pass', Result: 'ok', End: true },
      },
    };
    const first = bed.service();
    const { executionArn, mapRunArn } = await start(first.api, def, 1);
    const [child] = await children(first.api, { mapRunArn });
    const cause = ((await first.api.DescribeExecution({ executionArn: child.executionArn })) as { cause: string }).cause;
    assert.match(cause, /^The state\/task 'Big' returned a result with a size exceeding the maximum/);
    first.svc.close();
    // The map run had ended (FAILED) and is not recorded again: its child still has a history of its own, so the same check fails it.
    const again = bed.service();
    await bed.clock.runAll();
    const outcome = await again.svc.executions.get(executionArn)!.done;
    assert.deepEqual(outcome, { status: 'SUCCEEDED', output: 'caught' });
    const caught = ((await again.api.GetExecutionHistory({ executionArn })) as { events: Event[] }).events.find((e) => e.type === 'MapRunFailed');
    assert.equal((caught?.mapRunFailedEventDetails as { error?: string })?.error, 'States.DataLimitExceeded');
  });

  it('a Map\'s Label names its map run (a bad or repeated one is refused); a Map named with \':\' and \'/\' still finds its children', async () => {
    const { svc, api } = bed.service();
    const labelled = await start(api, { StartAt: 'Rows', States: { Rows: { ...WAITS.States.M, Label: 'by-day', MaxConcurrency: 1 } } }, 1, 'labelled');
    assert.match(labelled.mapRunArn, /:mapRun:labelled\/by-day:[0-9a-f-]{36}$/);
    const named = await start(api, { StartAt: 'rows:by/day', States: { 'rows:by/day': { ...WAITS.States.M, MaxConcurrency: 1 } } }, 1, 'named');
    assert.match(named.mapRunArn, /:mapRun:named\/rows:by\/day:[0-9a-f-]{36}$/);
    await bed.clock.runAll();
    for (const [run, label] of [[labelled, 'by-day'], [named, 'rows:by/day']] as const) {
      await svc.executions.get(run.executionArn)!.done;
      const [child] = await children(api, { mapRunArn: run.mapRunArn });
      assert.equal(((await api.DescribeExecution({ executionArn: child.executionArn })) as Record<string, unknown>).status, 'SUCCEEDED');
      const sm = (await api.DescribeStateMachineForExecution({ executionArn: child.executionArn })) as Record<string, unknown>;
      assert.deepEqual([sm.label, JSON.parse(String(sm.definition)).StartAt], [label, 'W']);
    }
    const refused = (definition: object) => rejects(() => api.CreateStateMachine({ name: 'bad', roleArn: ROLE, definition: JSON.stringify(definition) }), 'InvalidDefinition', /Label/);
    await refused({ StartAt: 'Rows', States: { Rows: { ...WAITS.States.M, Label: 'by:day' } } });
    await rejects(() => api.CreateStateMachine({ name: 'bad', roleArn: ROLE, definition: JSON.stringify({ StartAt: 'Rows', States: { Rows: { ...WAITS.States.M, Label: 123 } } }) }), 'InvalidDefinition', /Label that is not a string/);
    await refused({ StartAt: 'A', States: { A: { ...WAITS.States.M, Label: 'x', End: undefined, Next: 'B' }, B: { ...WAITS.States.M, Label: 'x' } } });
  });

  it('a log that cannot be written keeps its children readable, says so, and still journals the run\'s end', async () => {
    const lines: string[] = [];
    writeFileSync(path.join(bed.dir, 'states-maprun'), 'not a folder');
    const { svc, api } = bed.service((l) => lines.push(l));
    const { executionArn, mapRunArn } = await start(api, { StartAt: 'M', States: { M: { ...WAITS.States.M, MaxConcurrency: 0 } } }, 3);
    await bed.clock.runAll();
    assert.equal((await svc.executions.get(executionArn)!.done)?.status, 'SUCCEEDED');
    const kids = await children(api, { mapRunArn });
    assert.equal(kids.length, 3);
    for (const k of kids) assert.equal(((await api.DescribeExecution({ executionArn: k.executionArn })) as Record<string, unknown>).output, JSON.stringify({ v: 2 * (svc.mapRunChildren.get(mapRunArn, k.executionArn)!.index + 1) }));
    assert.ok(lines.some((l) => /could not be written to its log/.test(l)), lines.join('\n'));
    svc.close();
    // (the run itself is kept: after a restart it is listed, its unwritten children are not)
    assert.ok(fileJournal(bed.dir).load().some((r) => r.k === 'maprun' && r.v.mapRunArn === mapRunArn));
  });

  it('after a graceful stop, children that end write nothing more to their log', async () => {
    const first = bed.service();
    // 120 children of about 3 KB each end after the stop: more than the log buffers before it writes.
    const def = { StartAt: 'M', States: { M: { ...WAITS.States.M, MaxConcurrency: 0, ItemSelector: { pad: 'p'.repeat(3000), 'n.$': '$$.Map.Item.Value' }, ItemProcessor: processor({ W: { Type: 'Wait', Seconds: 60, End: true } }) } } };
    const { mapRunArn } = await start(first.api, def, 120);
    assert.equal((await children(first.api, { mapRunArn, maxResults: 1000 })).length, 120);
    first.svc.close();
    const folder = path.join(bed.dir, 'states-maprun');
    const sizes = () => readdirSync(folder).map((f) => statSync(path.join(folder, f)).size);
    const before = sizes();
    await bed.clock.advance(60_000);
    assert.deepEqual(sizes(), before);
  });
});
