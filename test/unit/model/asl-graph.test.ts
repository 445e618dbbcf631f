/**
 * The state machine graph (asl-graph.ts) and its live colours from a history (asl-live.ts). The
 * histories are written by the emulator's own interpreter, run on a fake clock (FakeClock) with a fake
 * task runner (a function here that answers as Batch's submitJob.sync does), so the colours are
 * checked against the events the API really returns.
 */
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/emulator/clock/testing/fakeClock';
import { Execution } from '../../../src/emulator/states/core/interpreter';
import { StatesError } from '../../../src/emulator/states/core/errors';
import type { StateMachineDef, TaskInvocation } from '../../../src/emulator/states/core/types';
import { END_ID, graphFromDefinition, resourceLabel, ruleLabel, START_ID } from '../../../src/model/asl-graph';
import { batchJobIdsOf, eventFailure, jobIdIn, pictureFromHistory, timelineFromPicture, type HistoryEventLike } from '../../../src/model/asl-live';

const BATCH = 'arn:aws:states:::batch:submitJob.sync';

const PIPELINE = {
  StartAt: 'Preprocess',
  States: {
    Preprocess: { Type: 'Task', Resource: BATCH, Parameters: { JobName: 'pre', JobQueue: 'q', JobDefinition: 'd' }, ResultPath: null, Next: 'Fan' },
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
        { StartAt: 'Right', States: { Right: { Type: 'Wait', Seconds: 1, Next: 'RightDone' }, RightDone: { Type: 'Pass', End: true } } },
      ],
      ResultPath: null,
      Next: 'Each',
    },
    Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } }, ResultPath: null, Next: 'Check' },
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.n', NumericGreaterThan: 3, Next: 'Big' }, { Not: { Variable: '$.s', StringEquals: 'x' }, Next: 'Fails' }],
      Default: 'Done',
    },
    Big: { Type: 'Task', Resource: BATCH, Parameters: { JobName: 'big', JobQueue: 'q', JobDefinition: 'd' }, Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Recover' }], End: true },
    Recover: { Type: 'Pass', Next: 'Done' },
    Fails: { Type: 'Fail', Error: 'E' },
    Done: { Type: 'Succeed' },
  },
};

function history(def: unknown, input: unknown, runTask: (i: TaskInvocation) => Promise<unknown>): Promise<HistoryEventLike[]> {
  const clock = new FakeClock();
  const events: HistoryEventLike[] = [];
  const identity = { executionArn: 'arn:aws:states:us-east-1:1:execution:sm:e', name: 'e', stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:sm', stateMachineName: 'sm', roleArn: 'arn:aws:iam::1:role/r', startTime: '2026-01-01T00:00:00.000Z' };
  const ex = new Execution(def as StateMachineDef, input, identity, { clock, runTask, emit: (e) => events.push({ type: e.type, id: events.length + 1, previousEventId: e.previousEventId, timestamp: new Date(clock.now()), ...(e.details ?? {}) }), random: () => 0.5 });
  const done = ex.run();
  return clock.runAll().then(() => done).then(() => events);
}

/** Answers like submitJob.sync: reports the submission, then the job's detail (or fails with it as Cause). */
function batch(fail: ReadonlySet<string> = new Set()) {
  let n = 0;
  return async (i: TaskInvocation) => {
    const jobId = `job-${++n}-${(i.parameters as { JobName: string }).JobName}`;
    i.submitted({ JobId: jobId, JobName: (i.parameters as { JobName: string }).JobName });
    if (fail.has((i.parameters as { JobName: string }).JobName)) throw new StatesError('States.TaskFailed', JSON.stringify({ JobId: jobId, Status: 'FAILED' }));
    return { JobId: jobId, Status: 'SUCCEEDED' };
  };
}

const stateIdsOf = (g: ReturnType<typeof graphFromDefinition>) => Object.fromEntries(g.nodes.map((n) => [n.name, n.id]));
const statusOf = (updates: ReadonlyArray<{ id: string; status: string }>) => Object.fromEntries(updates.map((u) => [u.id, u.status]));

describe('state machine graph', () => {
  it('has a node per state, Start and End markers, and Next / Choice / Default / Catch edges', () => {
    const g = graphFromDefinition(PIPELINE, 'p.asl.json');
    const ids = g.nodes.map((n) => n.id);
    for (const s of ['Preprocess', 'Fan', 'Left', 'Right', 'RightDone', 'Each', 'Work', 'Check', 'Big', 'Recover', 'Fails', 'Done', START_ID, END_ID]) assert.ok(ids.includes(s), s);
    const edges = g.edges.map((e) => `${e.source}->${e.target} ${e.type}${e.label ? ` [${e.label}]` : ''}`).sort();
    assert.deepEqual(edges, [
      '(start)->Preprocess plain',
      'Big->(end) plain',
      'Big->Recover CATCH [Catch States.TaskFailed]',
      'Check->Big CHOICE [$.n > 3]',
      'Check->Done DEFAULT [Default]',
      'Check->Fails CHOICE [not $.s == "x"]',
      'Done->(end) plain',
      'Each->Check plain',
      'Fails->(end) plain',
      'Fan->Each plain',
      'Preprocess->Fan plain',
      'Recover->Done plain',
      'Right->RightDone plain',
    ]);
  });

  it('draws Parallel as a group of branch groups and Map as a group of its processor states', () => {
    const g = graphFromDefinition(PIPELINE, 'p');
    const node = (id: string) => g.nodes.find((n) => n.id === id)!;
    assert.equal(node('Fan').group, true);
    assert.equal(node('Fan/branch 1').container, 'Fan');
    assert.equal(node('Fan/branch 1').group, true);
    assert.equal(node('Left').container, 'Fan/branch 1');
    assert.equal(node('Right').container, 'Fan/branch 2');
    assert.equal(node('RightDone').container, 'Fan/branch 2');
    assert.equal(node('Each').group, true);
    assert.equal(node('Work').container, 'Each');
    assert.equal(node('Preprocess').container, undefined);
    assert.equal(node('Preprocess').detail, 'batch:submitJob.sync');
    // Ends inside a branch or a Map end their scope, not the state machine.
    assert.ok(!g.edges.some((e) => e.target === END_ID && (e.source === 'Left' || e.source === 'Work')));
    // The legacy Iterator of a Map is read too.
    const legacy = graphFromDefinition({ StartAt: 'M', States: { M: { Type: 'Map', Iterator: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true } } }, 'l');
    assert.equal(legacy.nodes.find((n) => n.id === 'I')?.container, 'M');
  });

  it('draws what it can of a half-typed definition and keeps duplicate names apart', () => {
    const g = graphFromDefinition({ StartAt: 'A', States: { A: { Type: 'Task', Next: 'Nowhere' }, B: 'oops', P: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }], End: true } } }, 't');
    assert.deepEqual(g.edges.map((e) => e.id).sort(), ['(start)->A:plain', 'P->(end):plain'].sort());
    const ids = g.nodes.map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.includes('P/branch 1/A'));
    assert.equal(graphFromDefinition(undefined, 'x').nodes.length, 2);
    assert.equal(graphFromDefinition('{', 'x').edges.length, 0);
  });

  it('labels resources and Choice rules as people write them', () => {
    assert.equal(resourceLabel('arn:aws:states:::aws-sdk:batch:describeJobs'), 'aws-sdk:batch:describeJobs');
    assert.equal(resourceLabel('arn:aws:lambda:us-east-1:123456789012:function:Hello:$LATEST'), 'lambda:Hello');
    assert.equal(ruleLabel({ And: [{ Variable: '$.a', IsPresent: true }, { Variable: '$.b', BooleanEquals: false }] }), 'IsPresent $.a and $.b == false');
    assert.equal(ruleLabel({ Condition: '{% $states.input.n > 1 %}', Next: 'X' }), '$states.input.n > 1');
    assert.equal(ruleLabel({ Variable: '$.t', TimestampLessThanPath: '$.u' }), '$.t < $.u');
  });
});

describe('state machine live colours', () => {
  it('batchJobIdsOf: the jobs a history\'s Batch Tasks started, in order, each once; other resources\' ids are not jobs', () => {
    const task = (id: number, type: string, d: Record<string, unknown>) => ({ id, type, [`${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`]: d });
    const events: HistoryEventLike[] = [
      task(5, 'TaskSubmitted', { resourceType: 'batch', resource: 'submitJob.sync', output: JSON.stringify({ JobId: 'j-1', JobName: 'a' }) }),
      task(7, 'TaskSucceeded', { resourceType: 'batch', resource: 'submitJob.sync', output: JSON.stringify({ JobId: 'j-1', Status: 'SUCCEEDED' }) }),
      task(9, 'TaskFailed', { resourceType: 'batch', resource: 'submitJob.sync', error: 'States.TaskFailed', cause: JSON.stringify({ JobId: 'j-2', Status: 'FAILED' }) }),
      task(11, 'TaskSucceeded', { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify({ JobId: 'not-a-batch-job' }) }),
      task(13, 'TaskSucceeded', { resourceType: 'batch', resource: 'submitJob', output: JSON.stringify({ JobId: 'j-3' }) }),
    ];
    assert.deepEqual(batchJobIdsOf(events), ['j-1', 'j-2', 'j-3']);
  });

  it('pairs each run of a state with its own exit when Map iterations overlap (through previousEventId)', async () => {
    // Iteration 0 runs Work from 0 s to 2 s, iteration 1 from 1 s to 3 s: the first exit is iteration 0's.
    const def = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: { StartAt: 'Stagger', States: { Stagger: { Type: 'Wait', SecondsPath: '$.d', Next: 'Work' }, Work: { Type: 'Task', Resource: BATCH, Parameters: { 'JobName.$': '$.name', JobQueue: 'q', JobDefinition: 'd' }, End: true } } },
          End: true,
        },
      },
    };
    const clock = new FakeClock();
    const events: HistoryEventLike[] = [];
    const identity = { executionArn: 'arn:aws:states:us-east-1:1:execution:sm:e', name: 'e', stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:sm', stateMachineName: 'sm', roleArn: 'arn:aws:iam::1:role/r', startTime: '2026-01-01T00:00:00.000Z' };
    const runTask = async (i: TaskInvocation) => {
      const name = (i.parameters as { JobName: string }).JobName;
      i.submitted({ JobId: `job-${name}` });
      await new Promise<void>((r) => clock.setTimer(2000, r));
      return { JobId: `job-${name}`, Status: 'SUCCEEDED' };
    };
    const ex = new Execution(def as unknown as StateMachineDef, { items: [{ d: 0, name: 'a' }, { d: 1, name: 'b' }] }, identity, { clock, runTask, emit: (e) => events.push({ type: e.type, id: events.length + 1, previousEventId: e.previousEventId, timestamp: new Date(clock.now()), ...(e.details ?? {}) }), random: () => 0.5 });
    const t0 = clock.now();
    const done = ex.run();
    await clock.runAll();
    assert.equal((await done).status, 'SUCCEEDED');
    // Each iteration's events form their own chain: every StateExited leads back to its own StateEntered.
    const byId = new Map(events.map((e) => [e.id!, e as HistoryEventLike & Record<string, { name?: string; input?: string }>]));
    for (const exit of events.filter((e) => e.type === 'TaskStateExited')) {
      let e = byId.get(exit.previousEventId!);
      while (e && e.type !== 'TaskStateEntered') e = byId.get(e.previousEventId!);
      const output = JSON.parse((exit as unknown as { stateExitedEventDetails: { output: string } }).stateExitedEventDetails.output) as { JobId: string };
      assert.equal(JSON.parse(e!.stateEnteredEventDetails!.input!).name, output.JobId.slice(4), 'the exit chains back to the entry of the same iteration');
    }
    const g = graphFromDefinition(def, 'p');
    const runs = pictureFromHistory(g, events).runs.get('Work')!.map((r) => [r.start - t0, r.end! - t0]);
    assert.deepEqual(runs, [[0, 2000], [1000, 3000]]);
  });

  it('colours a run that takes the Catch: entered, succeeded, failed then caught, with the jobs each Task started', async () => {
    const g = graphFromDefinition(PIPELINE, 'p');
    const events = await history(PIPELINE, { items: [1, 2], n: 5 }, batch(new Set(['big'])));
    const p = pictureFromHistory(g, events);
    const s = statusOf(p.updates);
    assert.equal(p.status, 'SUCCEEDED');
    for (const id of [START_ID, 'Preprocess', 'Fan', 'Left', 'Right', 'RightDone', 'Each', 'Work', 'Check', 'Recover', 'Done', END_ID]) assert.equal(s[id], 'SUCCEEDED', id);
    assert.equal(s.Big, 'CAUGHT');
    assert.equal(s.Fails, 'PLANNED');
    assert.deepEqual(p.jobs.get('Preprocess'), ['job-1-pre']);
    assert.deepEqual(p.jobs.get('Big'), ['job-2-big']);
    assert.equal(p.updates.find((u) => u.id === 'Big')?.jobId, 'job-2-big');
    assert.ok(!p.updates.some((u) => u.id === 'Fan/branch 1'), 'branch groups have no status');
  });

  it('colours a failing run: the Fail state and the End are FAILED; a half-read history shows RUNNING', async () => {
    const g = graphFromDefinition(PIPELINE, 'p');
    const events = await history(PIPELINE, { items: [], n: 1, s: 'y' }, batch());
    const p = pictureFromHistory(g, events);
    assert.equal(p.status, 'FAILED');
    const s = statusOf(p.updates);
    assert.equal(s.Fails, 'FAILED');
    assert.equal(s[END_ID], 'FAILED');
    assert.equal(s.Big, 'PLANNED');
    const upToTask = events.slice(0, events.findIndex((e) => e.type === 'TaskSubmitted') + 1);
    const partial = pictureFromHistory(g, upToTask);
    assert.equal(partial.status, 'RUNNING');
    assert.equal(statusOf(partial.updates).Preprocess, 'RUNNING');
    assert.deepEqual(partial.jobs.get('Preprocess'), ['job-1-pre']);
  });

  it('an uncaught Task failure fails the state; a stopped execution leaves its running state ABORTED', () => {
    const def = { StartAt: 'T', States: { T: { Type: 'Task', Resource: BATCH, End: true } } };
    const g = graphFromDefinition(def, 'd');
    const base: object[] = [{ type: 'ExecutionStarted' }, { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'T' } }, { type: 'TaskScheduled', taskScheduledEventDetails: { resourceType: 'batch', resource: 'submitJob.sync' } }];
    const failed = pictureFromHistory(g, [...base, { type: 'TaskFailed', taskFailedEventDetails: { resourceType: 'batch', resource: 'submitJob.sync', error: 'States.TaskFailed', cause: '{"JobId":"j9"}' } }, { type: 'ExecutionFailed' }] as HistoryEventLike[]);
    assert.equal(statusOf(failed.updates).T, 'FAILED');
    assert.deepEqual(failed.jobs.get('T'), ['j9']);
    const aborted = pictureFromHistory(g, [...base, { type: 'ExecutionAborted' }] as HistoryEventLike[]);
    assert.equal(statusOf(aborted.updates).T, 'ABORTED');
    assert.equal(aborted.status, 'ABORTED');
  });

  it('a redriven execution runs again: RUNNING with its End to come, then the redriven state and the End as they end', () => {
    const def = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'T' }, T: { Type: 'Task', Resource: BATCH, End: true } } };
    const g = graphFromDefinition(def, 'd');
    const task = { resourceType: 'batch', resource: 'submitJob.sync' };
    const first = [
      { type: 'ExecutionStarted' }, { type: 'PassStateEntered', stateEnteredEventDetails: { name: 'A' } }, { type: 'PassStateExited', stateExitedEventDetails: { name: 'A' } },
      { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'T' } }, { type: 'TaskScheduled', taskScheduledEventDetails: task },
      { type: 'TaskFailed', taskFailedEventDetails: { ...task, error: 'States.TaskFailed', cause: '{"JobId":"j1"}' } }, { type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.TaskFailed' } },
    ];
    const redriven = [...first, { type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: 1 } }, { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'T' } }, { type: 'TaskScheduled', taskScheduledEventDetails: task }];
    const running = pictureFromHistory(g, redriven as HistoryEventLike[]);
    assert.equal(running.status, 'RUNNING');
    assert.equal(running.failure, undefined);
    assert.deepEqual([statusOf(running.updates).A, statusOf(running.updates).T, statusOf(running.updates)[END_ID]], ['SUCCEEDED', 'RUNNING', 'PLANNED']);
    const done = pictureFromHistory(g, [...redriven, { type: 'TaskSucceeded', taskSucceededEventDetails: { ...task, output: '{"JobId":"j2"}' } }, { type: 'TaskStateExited', stateExitedEventDetails: { name: 'T' } }, { type: 'ExecutionSucceeded' }] as HistoryEventLike[]);
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual([statusOf(done.updates).T, statusOf(done.updates)[END_ID]], ['SUCCEEDED', 'SUCCEEDED']);
    assert.deepEqual(done.jobs.get('T'), ['j1', 'j2']);
  });

  it('puts each time a state ran on the Timeline: first entered first, a bar per Map iteration, a caught Task failed', async () => {
    const g = graphFromDefinition(PIPELINE, 'p');
    const events = await history(PIPELINE, { items: [1, 2, 3], n: 5 }, batch(new Set(['big'])));
    const t = timelineFromPicture(g, pictureFromHistory(g, events), 0);
    assert.equal(t.unit, 'state');
    const rows = Object.fromEntries(t.rows.map((r) => [r.label, r]));
    assert.deepEqual(t.rows.map((r) => r.label).slice(0, 2), ['Preprocess', 'Fan']);
    assert.deepEqual(t.rows.map((r) => r.label).slice(-4), ['Check', 'Big', 'Recover', 'Done']);
    assert.ok(!rows.Fails, 'a state that never ran has no row');
    assert.deepEqual(rows.Work.segments.map((s) => `${s.attempt}:${s.status}`), ['1:SUCCEEDED', '2:SUCCEEDED', '3:SUCCEEDED']);
    assert.deepEqual(rows.Big.segments.map((s) => [s.status, s.reason]), [['FAILED', 'failed; a Catch took over']]);
    assert.equal(rows.Big.status, 'FAILED');
    assert.equal(rows.Big.jobId, 'job-2-big');
    // The Wait of 1 s inside Right's branch: Right's bar is a second long, and Fan's holds it.
    const right = rows.Right.segments[0];
    assert.equal(right.end! - right.start, 1000);
    assert.ok(rows.Fan.segments[0].start <= right.start && rows.Fan.segments[0].end! >= right.end!);
    assert.equal(t.start, rows.Preprocess.segments[0].start);
    assert.equal(t.end, rows.Done.segments[0].end, 'the axis ends with the last state');
  });

  it('on the Timeline, a state still running has an open bar and the axis runs on; a stopped execution ends its state\'s bar', () => {
    const def = { StartAt: 'T', States: { T: { Type: 'Task', Resource: BATCH, End: true } } };
    const g = graphFromDefinition(def, 'd');
    const base: object[] = [{ type: 'ExecutionStarted', timestamp: 1000 }, { type: 'TaskStateEntered', timestamp: 1001, stateEnteredEventDetails: { name: 'T' } }];
    const running = timelineFromPicture(g, pictureFromHistory(g, base as HistoryEventLike[]), 5_000_000);
    assert.deepEqual(running.rows.map((r) => [r.label, r.status, r.segments]), [['T', 'RUNNING', [{ start: 1_001_000, status: 'RUNNING', attempt: 1 }]]]);
    assert.equal(running.end, undefined);
    const stopped = timelineFromPicture(g, pictureFromHistory(g, [...base, { type: 'ExecutionAborted', timestamp: '1970-01-01T00:20:00.000Z' }] as HistoryEventLike[]), 5_000_000);
    assert.deepEqual(stopped.rows[0].segments, [{ start: 1_001_000, end: 1_200_000, status: 'FAILED', attempt: 1, reason: 'the execution was stopped in it' }]);
    assert.equal(stopped.end, 1_200_000);
  });

  it('names the map run each distributed Map started, also while two run at once in a Parallel (through previousEventId)', async () => {
    const fan = (name: string) => ({ StartAt: name, States: { [name]: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: `${name}Work`, States: { [`${name}Work`]: { Type: 'Wait', Seconds: 1, End: true } } }, End: true } } });
    const def = { StartAt: 'Both', States: { Both: { Type: 'Parallel', Branches: [fan('Left'), fan('Right')], Next: 'Inline' }, Inline: { Type: 'Map', ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Pass', End: true } } }, End: true } } };
    const g = graphFromDefinition(def, 'fan');
    const events = await history(def, [1, 2], batch());
    const started = events.filter((e) => e.type === 'MapRunStarted').map((e) => (e as { mapRunStartedEventDetails: { mapRunArn: string } }).mapRunStartedEventDetails.mapRunArn);
    assert.equal(started.length, 2);
    const p = pictureFromHistory(g, events);
    const ids = stateIdsOf(g);
    assert.deepEqual([...p.mapRuns.keys()].sort(), [ids.Left, ids.Right].sort());
    assert.match(p.mapRuns.get(ids.Left)!, /:mapRun:sm\/Left:/);
    assert.match(p.mapRuns.get(ids.Right)!, /:mapRun:sm\/Right:/);
    assert.equal(p.mapRuns.has(ids.Inline), false, 'an inline Map starts no map run');
    // Before the history reaches a MapRunStarted, no map run is named.
    assert.equal(pictureFromHistory(g, events.slice(0, events.findIndex((e) => e.type === 'MapRunStarted'))).mapRuns.size, 0);
  });
  it('reads a JobId from JSON outputs only', () => {
    assert.equal(jobIdIn('{"JobId":"a"}'), 'a');
    assert.equal(jobIdIn('{"jobId":"b"}'), 'b');
    assert.equal(jobIdIn('not json'), undefined);
    assert.equal(jobIdIn('[1]'), undefined);
    assert.equal(jobIdIn(undefined), undefined);
  });
  it("names an execution's failure (its last event's error and cause), and any event's", () => {
    const g = graphFromDefinition({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'why' } } }, 'f');
    const failed = [
      { id: 1, type: 'ExecutionStarted' },
      { id: 2, type: 'FailStateEntered', stateEnteredEventDetails: { name: 'F' } },
      { id: 3, type: 'ExecutionFailed', executionFailedEventDetails: { error: 'Boom', cause: 'why' } },
    ] as HistoryEventLike[];
    assert.deepEqual(pictureFromHistory(g, failed).failure, { error: 'Boom', cause: 'why' });
    assert.equal(pictureFromHistory(g, failed.slice(0, 2)).failure, undefined);
    assert.deepEqual(eventFailure({ type: 'TaskFailed', taskFailedEventDetails: { error: 'States.TaskFailed', cause: '' } } as HistoryEventLike), { error: 'States.TaskFailed' });
    assert.deepEqual(eventFailure({ type: 'ExecutionFailed', executionFailedEventDetails: {} } as HistoryEventLike), undefined);
    assert.equal(eventFailure({ type: 'PassStateExited', stateExitedEventDetails: { name: 'P' } } as HistoryEventLike), undefined);
  });
});
