/**
 * RedriveExecution on the file journal (a real temporary state folder) with a fake clock and a
 * fake task runner (fakes: the clock, and tasks that answer or fail as each test sets): the states
 * that had exited are passed over with what they left, the unsuccessful ones run again, the
 * history goes on after an ExecutionRedriven event, and a redrive outlives a restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { statesHandlers } from '../../../../src/emulator/states/api/handlers';
import { StatesError } from '../../../../src/emulator/states/core/errors';
import { taskCallsOf } from '../../../../src/emulator/states/core/redrive';
import { StatesService } from '../../../../src/emulator/states/service';
import { fileJournal } from '../../../../src/emulator/states/store';

const ROLE = 'arn:aws:iam::123456789012:role/r';
const task = (step: string, next?: string, extra: object = {}) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { step, ...extra }, ResultPath: `$.${step}`, ...(next ? { Next: next } : { End: true }) });
const SEQUENCE = { StartAt: 'A', States: { A: task('A', 'B'), B: task('B', 'C'), C: task('C') } };
/** A distributed Map over `$.rows`, one child at a time, each child running `states` (from the first) on `{ row }`. */
const fan = (states: Record<string, object>, extra: object = {}) => ({
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Map',
      ItemsPath: '$.rows',
      MaxConcurrency: 1,
      ItemSelector: { 'row.$': '$$.Map.Item.Value' },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: Object.keys(states)[0], States: states },
      ...extra,
      End: true,
    },
  },
});

type Api = ReturnType<typeof statesHandlers>;
type Call = { step: string; parameters: Record<string, unknown>; key: string; found?: string; invocation: number };

describe('RedriveExecution (file journal, fake clock, fake tasks)', () => {
  let dir: string;
  let clock: FakeClock;
  /** Steps that fail; steps that fail their first call only; steps whose call never answers (until the test ends). */
  let broken: Set<string>;
  let brokenOnce: Set<string>;
  /** A step's outcomes call by call (then as `broken` says). */
  let script: Map<string, Array<'ok' | 'fail'>>;
  let hanging: Set<string>;
  let calls: Call[];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-sfn-redrive-'));
    clock = new FakeClock();
    broken = new Set();
    brokenOnce = new Set();
    script = new Map();
    hanging = new Set();
    calls = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function service(): { svc: StatesService; api: Api } {
    const svc = new StatesService({
      clock,
      account: '123456789012',
      region: 'us-east-1',
      journal: fileJournal(dir),
      runTask: (inv, memory, execution) => {
        const parameters = inv.parameters as Record<string, unknown>;
        const step = String(parameters.step);
        // (as a `.sync` task does: what it started is remembered under its key, and found by a replay)
        const found = memory.get(inv.key);
        if (!found) memory.set(inv.key, `${step}-job-${calls.length}`);
        calls.push({ step, parameters, key: inv.key, found, invocation: execution.invocation });
        if (hanging.has(step)) return new Promise(() => undefined);
        if (script.get(step)?.shift() === 'fail' || brokenOnce.delete(step) || broken.has(step) || broken.has(`${step}:${String(parameters.row)}`)) return Promise.reject(new StatesError('Broken', `step ${step} is broken`));
        return Promise.resolve({ did: step });
      },
    });
    svc.restore();
    return { svc, api: statesHandlers(svc) };
  }

  async function start(api: Api, definition: object, input = '{}'): Promise<string> {
    const { stateMachineArn } = (await api.CreateStateMachine({ name: 'm', roleArn: ROLE, definition: JSON.stringify(definition) })) as { stateMachineArn: string };
    return ((await api.StartExecution({ stateMachineArn, input })) as { executionArn: string }).executionArn;
  }

  const ended = (svc: StatesService, arn: string) => svc.executions.get(arn)!.done!;
  const history = (api: Api, executionArn: string) => (api.GetExecutionHistory({ executionArn, maxResults: 1000 }) as { events: Array<Record<string, unknown>> }).events;
  const describe = (api: Api, executionArn: string) => api.DescribeExecution({ executionArn }) as Record<string, unknown>;

  it('runs the failed state and what follows it again; the states that had exited are passed over with their outputs', async () => {
    const { svc, api } = service();
    broken.add('B');
    const arn = await start(api, SEQUENCE, '{"n":1}');
    await ended(svc, arn);
    assert.equal(describe(api, arn).status, 'FAILED');
    assert.deepEqual(
      [describe(api, arn).redriveStatus, describe(api, arn).redriveCount],
      ['REDRIVABLE', 0],
    );
    const before = history(api, arn);
    assert.deepEqual(calls.map((c) => c.step), ['A', 'B']);

    broken.clear();
    await clock.advance(5000);
    const answer = (await api.RedriveExecution({ executionArn: arn })) as { redriveDate: number };
    assert.equal(answer.redriveDate, clock.now() / 1000);
    assert.equal(describe(api, arn).status, 'RUNNING', 'running again at once');
    await ended(svc, arn);
    assert.deepEqual(calls.map((c) => c.step), ['A', 'B', 'B', 'C'], 'A is not run again');
    assert.equal(calls[2].found, undefined, "the redrive's B is a new call, not the failed one found again");
    const d = describe(api, arn);
    assert.equal(d.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(String(d.output)), { n: 1, A: { did: 'A' }, B: { did: 'B' }, C: { did: 'C' } });
    assert.deepEqual([d.redriveCount, d.redriveDate, d.redriveStatus, d.redriveStatusReason], [1, answer.redriveDate, 'NOT_REDRIVABLE', 'Execution is SUCCEEDED and cannot be redriven.']);

    const after = history(api, arn);
    assert.deepEqual(after.slice(0, before.length), before, 'the history before the redrive is kept');
    const added = after.slice(before.length);
    assert.deepEqual(added.map((e) => e.type), [
      'ExecutionRedriven',
      'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited',
      'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    assert.deepEqual(added[0], { timestamp: answer.redriveDate, type: 'ExecutionRedriven', id: before.length + 1, previousEventId: before.length, executionRedrivenEventDetails: { redriveCount: 1 } });
    assert.deepEqual(added.map((e) => e.id), added.map((_, i) => before.length + 1 + i), 'ids go on');
    assert.ok(after.every((e) => !('exit' in e)), "the exits' marks are not answered");

    const listed = (filter?: string) => ((api.ListExecutions({ stateMachineArn: String(d.stateMachineArn), ...(filter ? { redriveFilter: filter } : {}) }) as { executions: Array<Record<string, unknown>> }).executions);
    assert.deepEqual(listed('REDRIVEN').map((e) => [e.executionArn, e.redriveCount, e.redriveDate]), [[arn, 1, answer.redriveDate]]);
    assert.deepEqual(listed('NOT_REDRIVEN'), []);
  });

  it('runs only the failed branch of a Parallel again, and a state passed over keeps the variables it set', async () => {
    const { svc, api } = service();
    const definition = {
      StartAt: 'Mint',
      States: {
        Mint: { Type: 'Pass', Assign: { 'token.$': 'States.UUID()' }, Next: 'Both' },
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'X', States: { X: task('X') } },
            { StartAt: 'Y', States: { Y: task('Y', undefined, { 'token.$': '$token', 'redrives.$': '$$.Execution.RedriveCount', 'execution.$': '$$.Execution' }) } },
          ],
          End: true,
        },
      },
    };
    broken.add('Y');
    const arn = await start(api, definition);
    await ended(svc, arn);
    assert.equal(describe(api, arn).status, 'FAILED');
    broken.clear();
    await api.RedriveExecution({ executionArn: arn });
    await ended(svc, arn);
    assert.deepEqual(calls.map((c) => c.step).sort(), ['X', 'Y', 'Y'], 'the branch that had ended is not run again');
    const [first, second] = calls.filter((c) => c.step === 'Y');
    assert.equal(second.parameters.token, first.parameters.token, 'the variable Mint set (a UUID) is the one it had set');
    assert.deepEqual([first.parameters.redrives, second.parameters.redrives], [0, 1]);
    const redriveDate = describe(api, arn).redriveDate as number;
    assert.equal((first.parameters.execution as Record<string, unknown>).RedriveTime, undefined, 'not redriven yet: no RedriveTime');
    assert.equal((second.parameters.execution as Record<string, unknown>).RedriveTime, new Date(redriveDate * 1000).toISOString());
    const output = JSON.parse(String(describe(api, arn).output)) as Array<Record<string, unknown>>;
    assert.deepEqual(output.map((o) => (o.X ?? o.Y) as unknown), [{ did: 'X' }, { did: 'Y' }]);
  });

  it("passes over the branches a retried Parallel's last attempt finished", async () => {
    const { svc, api } = service();
    const definition = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'X', States: { X: task('X') } }, { StartAt: 'Y', States: { Y: task('Y', 'Z'), Z: task('Z') } }],
          Retry: [{ ErrorEquals: ['Broken'], MaxAttempts: 1, IntervalSeconds: 1 }],
          End: true,
        },
      },
    };
    // X fails its first attempt only (its branch ends in the second); Y's branch fails at Z both times
    brokenOnce.add('X');
    broken.add('Z');
    const arn = await start(api, definition);
    await clock.runAll();
    await ended(svc, arn);
    assert.equal(describe(api, arn).status, 'FAILED');
    assert.equal(calls.filter((c) => c.step === 'X').length, 2, 'two attempts');
    const before = calls.length;
    broken.clear();
    await api.RedriveExecution({ executionArn: arn });
    await ended(svc, arn);
    assert.deepEqual(calls.slice(before).map((c) => c.step), ['Z'], "only Z runs again: X's branch ended in the last attempt, and Y had exited");
    assert.equal(describe(api, arn).status, 'SUCCEEDED');
  });

  it("runs only an inline Map's failed iteration again; the iterations that had ended record nothing", async () => {
    const { svc, api } = service();
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.rows',
          // (one at a time: "c" has not started when "b" fails)
          MaxConcurrency: 1,
          ItemSelector: { 'row.$': '$$.Map.Item.Value' },
          ItemProcessor: { StartAt: 'Work', States: { Work: task('Work', 'Tidy', { 'row.$': '$.row' }), Tidy: { Type: 'Pass', OutputPath: '$.Work', End: true } } },
          End: true,
        },
      },
    };
    broken.add('Work:b');
    const arn = await start(api, definition, '{"rows":["a","b","c"]}');
    await ended(svc, arn);
    assert.equal(describe(api, arn).status, 'FAILED');
    const before = calls.length;
    const events = history(api, arn).length;
    broken.clear();
    await api.RedriveExecution({ executionArn: arn });
    await ended(svc, arn);
    assert.deepEqual(calls.slice(0, before).map((c) => c.parameters.row), ['a', 'b']);
    assert.deepEqual(calls.slice(before).map((c) => c.parameters.row), ['b', 'c'], 'the failed row and the one not started run; "a" does not');
    const added = history(api, arn).slice(events);
    assert.deepEqual(added.filter((e) => String(e.type).startsWith('MapIteration')).map((e) => [e.type, (e.mapIterationStartedEventDetails ?? e.mapIterationSucceededEventDetails) as unknown]), [
      ['MapIterationStarted', { name: 'Each', index: 1 }],
      ['MapIterationSucceeded', { name: 'Each', index: 1 }],
      ['MapIterationStarted', { name: 'Each', index: 2 }],
      ['MapIterationSucceeded', { name: 'Each', index: 2 }],
    ]);
    assert.deepEqual(JSON.parse(String(describe(api, arn).output)), [{ did: 'Work' }, { did: 'Work' }, { did: 'Work' }]);
  });

  it("runs again a branch state that had exited in an earlier attempt of a retried Parallel but failed in its last", async () => {
    const { svc, api } = service();
    const definition = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Y', States: { Y: task('Y', 'Z'), Z: task('Z') } }],
          Retry: [{ ErrorEquals: ['Broken'], MaxAttempts: 1, IntervalSeconds: 1 }],
          End: true,
        },
      },
    };
    // attempt 0: Y exits, Z fails; attempt 1: Y fails
    script.set('Y', ['ok', 'fail']);
    script.set('Z', ['fail']);
    const arn = await start(api, definition);
    await clock.runAll();
    await ended(svc, arn);
    assert.deepEqual([describe(api, arn).status, calls.map((c) => c.step)], ['FAILED', ['Y', 'Z', 'Y']]);
    await api.RedriveExecution({ executionArn: arn });
    await ended(svc, arn);
    assert.deepEqual(calls.slice(3).map((c) => c.step), ['Y', 'Z'], "Y's exit in the first attempt does not count: it failed in the last");
    assert.equal(describe(api, arn).status, 'SUCCEEDED');
  });

  it("a retry in a redrive does not void what an earlier run had finished: a second redrive passes over it still", async () => {
    const { svc, api } = service();
    const definition = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'X', States: { X: task('X') } }, { StartAt: 'Y', States: { Y: task('Y') } }],
          Retry: [{ ErrorEquals: ['Broken'], MaxAttempts: 1, IntervalSeconds: 1 }],
          End: true,
        },
      },
    };
    // Y fails both attempts of the first run and of the first redrive; X succeeds
    script.set('Y', ['fail', 'fail', 'fail', 'fail']);
    const arn = await start(api, definition);
    await clock.runAll();
    await ended(svc, arn);
    await api.RedriveExecution({ executionArn: arn });
    await clock.runAll();
    await ended(svc, arn);
    const before = calls.length;
    assert.deepEqual(calls.map((c) => c.step).sort(), ['X', 'X', 'Y', 'Y', 'Y', 'Y'], 'X ran in both attempts of the first run only');
    await api.RedriveExecution({ executionArn: arn });
    await ended(svc, arn);
    assert.deepEqual(calls.slice(before).map((c) => c.step), ['Y']);
    assert.equal(describe(api, arn).status, 'SUCCEEDED');
  });

  it("redrives a distributed Map's map run under its ARN: the children that had succeeded are not run again, a failed one goes on from where it stopped; it outlives a restart", async () => {
    const first = service();
    // (each child mints an id, then its Task runs: a redriven child keeps the id it minted)
    const definition = fan({ Mint: { Type: 'Pass', Parameters: { 'row.$': '$.row', 'id.$': 'States.UUID()' }, Next: 'Item' }, Item: { ...task('Item', undefined, { 'row.$': '$.row', 'id.$': '$.id' }), ResultPath: null } });
    broken.add('Item:b');
    const arn = await start(first.api, definition, '{"rows":["a","b","c","d"]}');
    await ended(first.svc, arn);
    assert.equal(describe(first.api, arn).status, 'FAILED');
    const [{ mapRunArn }] = (first.api.ListMapRuns({ executionArn: arn }) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns;
    const childrenOf = (api: Api) => (api.ListExecutions({ mapRunArn }) as { executions: Array<{ executionArn: string; status: string; name: string }> }).executions;
    const before = childrenOf(first.api);
    assert.deepEqual(before.map((c) => c.status).sort(), ['FAILED', 'SUCCEEDED'], 'a succeeded, b failed, c and d never started');
    const a = before.find((c) => c.status === 'SUCCEEDED')!;
    const b = before.find((c) => c.status === 'FAILED')!;
    const aBefore = first.api.DescribeExecution({ executionArn: a.executionArn });
    const bBefore = first.api.DescribeExecution({ executionArn: b.executionArn }) as { startDate: number; input: string };
    const bHistory = history(first.api, b.executionArn);
    broken.clear();
    await first.api.RedriveExecution({ executionArn: arn });
    await ended(first.svc, arn);
    assert.deepEqual(calls.map((c) => c.parameters.row), ['a', 'b', 'b', 'c', 'd'], '"a" is not run again');
    const d = first.api.DescribeMapRun({ mapRunArn }) as { status: string; redriveCount: number; redriveDate?: number; itemCounts: Record<string, number>; executionCounts: Record<string, number> };
    const runs = (first.api.ListMapRuns({ executionArn: arn }) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns;
    assert.deepEqual(runs.map((r) => r.mapRunArn), [mapRunArn], 'the same map run');
    const parentEvents = history(first.api, arn);
    assert.deepEqual(parentEvents.filter((e) => String(e.type).startsWith('MapRun')).map((e) => e.type), ['MapRunStarted', 'MapRunFailed', 'MapRunRedriven', 'MapRunSucceeded']);
    assert.deepEqual(parentEvents.find((e) => e.type === 'MapRunRedriven')!.mapRunRedrivenEventDetails, { mapRunArn, redriveCount: 1 });
    assert.deepEqual([d.status, d.redriveCount, d.redriveDate, d.itemCounts.succeeded, d.itemCounts.total, d.executionCounts.succeeded], ['SUCCEEDED', 1, describe(first.api, arn).redriveDate, 4, 4, 4]);
    const after = childrenOf(first.api);
    assert.deepEqual(after.map((c) => c.status), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    assert.deepEqual(first.api.DescribeExecution({ executionArn: a.executionArn }), aBefore, 'the child that had succeeded is as it was');
    assert.equal(after.filter((c) => c.executionArn === a.executionArn).length, 1);
    // b went on from where it stopped: its Mint (its id) kept, its history going on after ExecutionRedriven.
    const [bFirst, bAgain] = calls.filter((c) => c.parameters.row === 'b');
    assert.equal(bAgain.parameters.id, bFirst.parameters.id, "the child's Mint was not run again");
    const bNow = first.api.DescribeExecution({ executionArn: b.executionArn }) as { status: string; startDate: number; input: string; redriveCount: number; redriveDate: number };
    assert.deepEqual([bNow.status, bNow.startDate, bNow.input, bNow.redriveCount, bNow.redriveDate], ['SUCCEEDED', bBefore.startDate, bBefore.input, 1, d.redriveDate]);
    const bEvents = history(first.api, b.executionArn);
    assert.deepEqual(bEvents.slice(0, bHistory.length), bHistory);
    assert.deepEqual(bEvents.slice(bHistory.length).map((e) => e.type), ['ExecutionRedriven', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    assert.deepEqual((first.api.ListExecutions({ mapRunArn, redriveFilter: 'REDRIVEN' }) as { executions: Array<{ executionArn: string }> }).executions.map((e) => e.executionArn), [b.executionArn]);
    assert.equal(describe(first.api, arn).status, 'SUCCEEDED');
    first.svc.close();

    const second = service();
    assert.deepEqual(second.api.DescribeMapRun({ mapRunArn }), first.api.DescribeMapRun({ mapRunArn }));
    assert.deepEqual(childrenOf(second.api).map((c) => [c.executionArn, c.status]), after.map((c) => [c.executionArn, c.status]), 'the log read back: the redriven children replace their failed lines');
    assert.deepEqual(second.api.DescribeExecution({ executionArn: b.executionArn }), first.api.DescribeExecution({ executionArn: b.executionArn }));
    assert.deepEqual(history(second.api, b.executionArn), bEvents);
    second.svc.close();
  });

  it('redrives under their ARNs the map runs of a distributed Map in a Parallel and of one inside a child execution', async () => {
    const { svc, api } = service();
    const item = { Item: { ...task('Item', undefined, { 'row.$': '$.row' }), ResultPath: null } };
    const inParallel = { StartAt: 'Both', States: { Both: { Type: 'Parallel', Branches: [fan(item)], End: true } } };
    broken.add('Item:b');
    const arn = await start(api, inParallel, '{"rows":["a","b"]}');
    await ended(svc, arn);
    const runsOf = (executionArn: string) => (api.ListMapRuns({ executionArn }) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns.map((r) => r.mapRunArn);
    const [run] = runsOf(arn);
    broken.clear();
    await api.RedriveExecution({ executionArn: arn });
    await ended(svc, arn);
    assert.deepEqual(runsOf(arn), [run], 'the same map run');
    assert.deepEqual([(api.DescribeMapRun({ mapRunArn: run }) as { redriveCount: number }).redriveCount, describe(api, arn).status], [1, 'SUCCEEDED']);
    assert.deepEqual(calls.map((c) => c.parameters.row), ['a', 'b', 'b']);

    // A child's own distributed Map: the child goes on from where it stopped, and so does its map run.
    calls.length = 0;
    broken.add('Item:b');
    const nested = { StartAt: 'Groups', States: { Groups: { ...fan({ Inner: { ...fan(item).States.Fan, ItemsPath: '$.row', End: true } }).States.Fan, ItemsPath: '$.groups' } } };
    const { stateMachineArn } = (await api.CreateStateMachine({ name: 'nested', roleArn: ROLE, definition: JSON.stringify(nested) })) as { stateMachineArn: string };
    const outer = ((await api.StartExecution({ stateMachineArn, input: '{"groups":[["a","b"]]}' })) as { executionArn: string }).executionArn;
    await ended(svc, outer);
    assert.equal(describe(api, outer).status, 'FAILED');
    const [groupRun] = runsOf(outer);
    const [child] = (api.ListExecutions({ mapRunArn: groupRun }) as { executions: Array<{ executionArn: string }> }).executions;
    const [innerRun] = runsOf(child.executionArn);
    broken.clear();
    await api.RedriveExecution({ executionArn: outer });
    await ended(svc, outer);
    assert.equal(describe(api, outer).status, 'SUCCEEDED');
    assert.deepEqual(runsOf(child.executionArn), [innerRun], "the child's map run, redriven");
    assert.equal((api.DescribeMapRun({ mapRunArn: innerRun }) as { redriveCount: number }).redriveCount, 1);
    assert.deepEqual(calls.map((c) => c.parameters.row), ['a', 'b', 'b'], '"a" of the inner map run is not run again');
  });

  it("the ResultWriter's records of a redriven map run's children say their redrive and keep their start", async () => {
    const { svc, api } = service();
    const definition = fan({ Item: { ...task('Item', undefined, { 'row.$': '$.row' }), ResultPath: null } }, { ResultWriter: { WriterConfig: { Transformation: 'NONE', OutputType: 'JSON' } } });
    broken.add('Item:b');
    const arn = await start(api, definition, '{"rows":["a","b"]}');
    await ended(svc, arn);
    const [run] = (api.ListMapRuns({ executionArn: arn }) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns;
    const [failed] = (api.ListExecutions({ mapRunArn: run.mapRunArn, statusFilter: 'FAILED' }) as { executions: Array<{ executionArn: string; startDate: number }> }).executions;
    broken.clear();
    await clock.advance(5000);
    await api.RedriveExecution({ executionArn: arn });
    await ended(svc, arn);
    const records = JSON.parse(String(describe(api, arn).output)) as Array<{ ExecutionArn: string; RedriveCount: number; StartDate: string; Status: string }>;
    const b = records.find((r) => r.ExecutionArn === failed.executionArn)!;
    assert.deepEqual([b.Status, b.RedriveCount, b.StartDate], ['SUCCEEDED', 1, new Date(failed.startDate * 1000).toISOString()]);
    assert.deepEqual(records.filter((r) => r !== b).map((r) => r.RedriveCount), [0]);
  });

  it("a distributed Map's retry within a redrive starts a map run of its own, as outside one", async () => {
    const { svc, api } = service();
    const definition = fan({ Item: { ...task('Item', undefined, { 'row.$': '$.row' }), ResultPath: null } }, { Retry: [{ ErrorEquals: ['Broken'], MaxAttempts: 1, IntervalSeconds: 1 }] });
    broken.add('Item:b');
    const arn = await start(api, definition, '{"rows":["a","b"]}');
    await clock.runAll();
    await ended(svc, arn);
    const runs = () => (api.ListMapRuns({ executionArn: arn }) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns.map((r) => r.mapRunArn);
    assert.equal(runs().length, 2, 'a map run per attempt');
    // Still broken: the redrive redrives the last attempt's run, then its retry starts another.
    await api.RedriveExecution({ executionArn: arn });
    await clock.runAll();
    await ended(svc, arn);
    const after = runs();
    assert.equal(after.length, 3, after.join());
    const described = after.map((mapRunArn) => api.DescribeMapRun({ mapRunArn }) as { status: string; redriveCount: number; executionCounts: { total: number } });
    assert.deepEqual(described.map((d) => [d.status, d.redriveCount]).sort(), [['FAILED', 0], ['FAILED', 0], ['FAILED', 1]]);
    broken.clear();
    await api.RedriveExecution({ executionArn: arn });
    await ended(svc, arn);
    assert.equal(describe(api, arn).status, 'SUCCEEDED');
    assert.equal(runs().length, 3, 'the second redrive redrives the last run');
  });

  it('an execution whose history has no marks (run before RedriveExecution was there) is not redrivable', async () => {
    const first = service();
    broken.add('B');
    const arn = await start(first.api, SEQUENCE);
    await ended(first.svc, arn);
    first.svc.close();
    // (the history file as a localbatch without RedriveExecution wrote it)
    const folder = path.join(dir, 'states-history');
    const [file] = readdirSync(folder);
    const saved = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as { events: Array<Record<string, unknown>> };
    for (const e of saved.events) delete e.exit;
    writeFileSync(path.join(folder, file), JSON.stringify(saved));
    const { svc, api } = service();
    const d = describe(api, arn);
    assert.deepEqual([d.redriveStatus, d.redriveStatusReason], ['NOT_REDRIVABLE', 'Execution was started before the launch of RedriveExecution.']);
    assert.throws(() => api.RedriveExecution({ executionArn: arn }), (e: { message: string }) => /before the launch of RedriveExecution/.test(e.message));
    svc.close();
  });

  it("counts a history's Task calls per state, retries too (a redrive's mocked responses go on from there)", () => {
    const h = [
      { id: 1, type: 'ExecutionStarted', previousEventId: 0 },
      { id: 2, type: 'TaskStateEntered', previousEventId: 1, stateEnteredEventDetails: { name: 'T' } },
      { id: 3, type: 'TaskScheduled', previousEventId: 2 },
      { id: 4, type: 'TaskStarted', previousEventId: 3 },
      { id: 5, type: 'TaskFailed', previousEventId: 4 },
      { id: 6, type: 'TaskScheduled', previousEventId: 5 },
      { id: 7, type: 'ParallelStateEntered', previousEventId: 6, stateEnteredEventDetails: { name: 'P' } },
      { id: 8, type: 'TaskStateEntered', previousEventId: 7, stateEnteredEventDetails: { name: 'U' } },
      { id: 9, type: 'TaskStateEntered', previousEventId: 7, stateEnteredEventDetails: { name: 'V' } },
      { id: 10, type: 'TaskScheduled', previousEventId: 9 },
      { id: 11, type: 'TaskScheduled', previousEventId: 8 },
    ];
    assert.deepEqual(Object.fromEntries(taskCallsOf(h)), { T: 2, V: 1, U: 1 });
  });

  it('follows the path a Choice and a Catch took, and redrives a redrive', async () => {
    const { svc, api } = service();
    const definition = {
      StartAt: 'Pick',
      States: {
        Pick: { Type: 'Choice', Choices: [{ Variable: '$.go', StringEquals: 'left', Next: 'Left' }], Default: 'Right' },
        Left: { ...task('Left', 'After'), Catch: [{ ErrorEquals: ['Broken'], ResultPath: '$.caught', Next: 'After' }] },
        Right: task('Right'),
        After: task('After', 'Last'),
        Last: task('Last'),
      },
    };
    broken.add('Left');
    broken.add('After');
    const arn = await start(api, definition, '{"go":"left"}');
    await ended(svc, arn);
    assert.deepEqual(calls.map((c) => c.step), ['Left', 'After']);
    broken.delete('Left');
    broken.add('Last');
    broken.delete('After');
    await api.RedriveExecution({ executionArn: arn });
    await ended(svc, arn);
    assert.equal(describe(api, arn).status, 'FAILED', 'Last fails now');
    assert.deepEqual(calls.map((c) => c.step), ['Left', 'After', 'After', 'Last'], 'Left was caught: it had exited, and is not run again');
    broken.clear();
    await api.RedriveExecution({ executionArn: arn });
    await ended(svc, arn);
    assert.deepEqual(calls.map((c) => c.step), ['Left', 'After', 'After', 'Last', 'Last']);
    const d = describe(api, arn);
    assert.deepEqual([d.status, d.redriveCount], ['SUCCEEDED', 2]);
    const out = JSON.parse(String(d.output)) as Record<string, unknown>;
    assert.equal((out.caught as { Error: string }).Error, 'Broken', "the catcher's output is the one recorded");
    assert.deepEqual(history(api, arn).filter((e) => e.type === 'ExecutionRedriven').map((e) => (e.executionRedrivenEventDetails as { redriveCount: number }).redriveCount), [1, 2]);
  });

  it('refuses an execution that is running or succeeded; the same client token answers the same redrive', async () => {
    const { svc, api } = service();
    hanging.add('A');
    const running = await start(api, SEQUENCE);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([describe(api, running).redriveStatus, describe(api, running).redriveStatusReason], ['NOT_REDRIVABLE', 'Execution is RUNNING and cannot be redriven.']);
    assert.throws(() => api.RedriveExecution({ executionArn: running }), (e: { name?: string; code?: string; message: string }) => /ExecutionNotRedrivable/.test(`${e.name} ${e.code}`) && /RUNNING/.test(e.message));
    await api.StopExecution({ executionArn: running });
    assert.equal(describe(api, running).redriveStatus, 'REDRIVABLE', 'an aborted execution may be redriven');

    hanging.clear();
    broken.add('C');
    const { stateMachineArn } = describe(api, running) as { stateMachineArn: string };
    const arn = ((await api.StartExecution({ stateMachineArn, input: '{}' })) as { executionArn: string }).executionArn;
    await ended(svc, arn);
    broken.clear();
    const first = (await api.RedriveExecution({ executionArn: arn, clientToken: 'tok-1' })) as { redriveDate: number };
    await clock.advance(1000);
    const again = (await api.RedriveExecution({ executionArn: arn, clientToken: 'tok-1' })) as { redriveDate: number };
    assert.equal(again.redriveDate, first.redriveDate);
    await ended(svc, arn);
    assert.equal(describe(api, arn).redriveCount, 1, 'redriven once');
    assert.deepEqual(await api.RedriveExecution({ executionArn: arn, clientToken: 'tok-1' }), first, 'within 15 minutes');
    await clock.advance(15 * 60_000);
    assert.throws(() => api.RedriveExecution({ executionArn: arn, clientToken: 'tok-1' }), (e: { message: string }) => /SUCCEEDED/.test(e.message), 'not after 15 minutes');
    assert.throws(() => api.RedriveExecution({ executionArn: arn, clientToken: 'x'.repeat(65) }), (e: { message: string }) => /clientToken/.test(e.message));
    assert.throws(() => api.RedriveExecution({ executionArn: arn, clientToken: 'tok-2' }), (e: { message: string }) => /SUCCEEDED/.test(e.message));
    assert.throws(() => api.RedriveExecution({ executionArn: `${arn}x` }), (e: { name?: string; code?: string }) => /ExecutionDoesNotExist/.test(`${e.name} ${e.code}`));
    svc.close();
  });

  it('a redrive outlives a restart: one still running is replayed (its tasks find what it started), one ended is kept', async () => {
    const first = service();
    broken.add('B');
    const arn = await start(first.api, SEQUENCE);
    await ended(first.svc, arn);
    broken.clear();
    hanging.add('C');
    await first.api.RedriveExecution({ executionArn: arn });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls.map((c) => c.step), ['A', 'B', 'B', 'C']);
    const cKey = calls[3].key;
    first.svc.close();

    hanging.clear();
    await clock.advance(60_000);
    const second = service();
    await ended(second.svc, arn);
    assert.deepEqual(calls.map((c) => c.step), ['A', 'B', 'B', 'C', 'B', 'C'], 'the replay runs the redrive again from where it began (A stays passed over)');
    assert.equal(calls[5].key, cKey);
    assert.equal(calls[5].found, `C-job-3`, "the replayed C finds what the redrive's C started");
    assert.equal(calls[4].found, 'B-job-2', "the replayed B finds the redrive's B, not the failed one");
    // (a mock file's responses are picked by this number: the redrive's B is B's second call, also after the restart)
    assert.deepEqual(calls.map((c) => `${c.step}${c.invocation}`), ['A0', 'B0', 'B1', 'C0', 'B1', 'C0']);
    const events = history(second.api, arn);
    const redriven = events.filter((e) => e.type === 'ExecutionRedriven');
    assert.equal(redriven.length, 1, 'ExecutionRedriven once');
    assert.equal(redriven[0].timestamp, describe(second.api, arn).redriveDate, "dated as the redrive, not as the replay");
    assert.equal(events.filter((e) => e.type === 'ExecutionFailed').length, 1);
    assert.equal(events.at(-1)!.type, 'ExecutionSucceeded');
    second.svc.close();

    const third = service();
    const d = describe(third.api, arn);
    assert.deepEqual([d.status, d.redriveCount], ['SUCCEEDED', 1]);
    assert.deepEqual(history(third.api, arn), events);
    third.svc.close();
  });
});
