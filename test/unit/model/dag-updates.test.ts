import * as assert from 'node:assert/strict';
import type { JobDetail } from '@aws-sdk/client-batch';
import fc from 'fast-check';
import { DAG_STATUSES, graphFromWorkflow, type DagNodeUpdate } from '../../../src/model/dag';
import { applyUpdates, mergeUpdates } from '../../../src/model/dag-updates';
import { offsetLabel, segmentsOf, tickStep, timelineFromJobs } from '../../../src/model/dag-timeline';

describe('dependency graph update merging (unit)', () => {
  it('keeps one update per node, the latest status, and counts / job ids unless replaced', () => {
    const merged = mergeUpdates(
      [{ id: 'a', status: 'RUNNABLE', jobId: 'A' }, { id: 'b', status: 'RUNNING', counts: { RUNNING: 2 }, jobId: 'B' }],
      [{ id: 'a', status: 'RUNNING' }, { id: 'b', status: 'RUNNING', counts: { RUNNING: 1, SUCCEEDED: 1 } }, { id: 'c', status: 'SUBMITTED', jobId: 'C' }],
    );
    assert.deepEqual(merged, [
      { id: 'a', status: 'RUNNING', jobId: 'A' },
      { id: 'b', status: 'RUNNING', counts: { RUNNING: 1, SUCCEEDED: 1 }, jobId: 'B' },
      { id: 'c', status: 'SUBMITTED', jobId: 'C' },
    ]);
  });

  it('keeps a node\'s progress line (a distributed Map\'s items) until an update replaces it', () => {
    const merged = mergeUpdates([{ id: 'm', status: 'RUNNING', progress: '1 of 3 items done' }], [{ id: 'm', status: 'RUNNING' }]);
    assert.deepEqual(merged, [{ id: 'm', status: 'RUNNING', progress: '1 of 3 items done' }]);
    assert.deepEqual(mergeUpdates(merged, [{ id: 'm', status: 'SUCCEEDED', progress: '3 of 3 items done' }]), [{ id: 'm', status: 'SUCCEEDED', progress: '3 of 3 items done' }]);
    const graph = graphFromWorkflow({ jobs: { m: { jobDefinition: 'x' } } }, 't');
    const drawn = applyUpdates(applyUpdates(graph, [{ id: 'm', status: 'RUNNING', progress: '1 of 3 items done' }]), [{ id: 'm', status: 'SUCCEEDED' }]);
    assert.equal(drawn.nodes[0].progress, '1 of 3 items done');
  });

  it('a reset to PLANNED (a new run) drops the old job id; a bind after it sets the new one', () => {
    const merged = mergeUpdates([{ id: 'a', status: 'SUCCEEDED', jobId: 'old' }], [{ id: 'a', status: 'PLANNED', counts: {} }]);
    assert.deepEqual(merged, [{ id: 'a', status: 'PLANNED', counts: {} }]);
    assert.deepEqual(mergeUpdates(merged, [{ id: 'a', status: 'SUBMITTED', jobId: 'new' }]), [{ id: 'a', status: 'SUBMITTED', counts: {}, jobId: 'new' }]);
  });

  it('applying merged updates equals applying them one by one, in order (property)', () => {
    const graph = graphFromWorkflow({ jobs: { a: { jobDefinition: 'x' }, b: { jobDefinition: 'x', arrayProperties: { size: 3 } }, c: { jobDefinition: 'x' } } }, 't');
    const update = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'unknown'),
      status: fc.constantFrom(...DAG_STATUSES),
      jobId: fc.option(fc.constantFrom('J1', 'J2'), { nil: undefined }),
      counts: fc.option(fc.record({ RUNNING: fc.nat(3) }), { nil: undefined }),
      progress: fc.option(fc.constantFrom('0 of 2 items done', '2 of 2 items done'), { nil: undefined }),
    }).map((u) => Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined)) as unknown as DagNodeUpdate);
    fc.assert(fc.property(fc.array(update, { maxLength: 30 }), fc.nat(30), (updates, cut) => {
      const oneByOne = updates.reduce((g, u) => applyUpdates(g, [u]), graph);
      const merged = applyUpdates(graph, mergeUpdates(updates.slice(0, cut), updates.slice(cut)));
      assert.deepEqual(merged, oneByOne);
    }));
  });

  it('folds live statuses into the graph that is sent, so it is never drawn all PLANNED', () => {
    const graph = graphFromWorkflow({ jobs: { greet: { jobDefinition: 'h' }, farewell: { jobDefinition: 'h', dependsOn: [{ job: 'greet' }] } } }, 'hello');
    const live = applyUpdates(graph, [{ id: 'greet', status: 'SUCCEEDED', jobId: 'G' }, { id: 'farewell', status: 'RUNNING', jobId: 'F' }]);
    assert.deepEqual(live.nodes.map((n) => `${n.id}:${n.status}:${n.jobId}`), ['greet:SUCCEEDED:G', 'farewell:RUNNING:F']);
    assert.equal(graph.nodes[0].status, 'PLANNED', 'the planned graph is not changed');
    assert.equal(applyUpdates(graph, [{ id: 'nope', status: 'FAILED' }]), graph);
  });
});

describe('run timeline model (unit)', () => {
  const job = (over: Partial<JobDetail>): JobDetail => ({ jobName: 'j', jobQueue: 'q', jobDefinition: 'd', status: 'SUCCEEDED', ...over } as JobDetail);

  it('draws each attempt as a segment, the running one open, coloured by how it ended', () => {
    const retried = job({
      jobId: 'A', status: 'RUNNING', createdAt: 100, startedAt: 900,
      attempts: [
        { startedAt: 200, stoppedAt: 400, container: { exitCode: 1 }, statusReason: 'Essential container in task exited' },
        { startedAt: 500, stoppedAt: 800, container: { exitCode: 2 } },
      ],
    });
    assert.deepEqual(segmentsOf(retried), [
      { start: 200, end: 400, status: 'FAILED', attempt: 1, exitCode: 1, reason: 'Essential container in task exited' },
      { start: 500, end: 800, status: 'FAILED', attempt: 2, exitCode: 2 },
      { start: 900, status: 'RUNNING', attempt: 3 },
    ]);
    const ok = job({ jobId: 'B', status: 'SUCCEEDED', startedAt: 10, stoppedAt: 20, attempts: [{ startedAt: 10, stoppedAt: 20, container: { exitCode: 0 } }] });
    assert.deepEqual(segmentsOf(ok), [{ start: 10, end: 20, status: 'SUCCEEDED', attempt: 1, exitCode: 0 }]);
  });

  it('puts array children under their parent, orders parents by creation, and leaves the end open while a job runs', () => {
    const t = timelineFromJobs([
      job({ jobId: 'late', jobName: 'late', createdAt: 50, status: 'RUNNABLE' }),
      job({ jobId: 'arr:1', jobName: 'arr', arrayProperties: { index: 1 }, createdAt: 11, startedAt: 30, stoppedAt: 40, attempts: [{ startedAt: 30, stoppedAt: 40, container: { exitCode: 0 } }] }),
      job({ jobId: 'arr', jobName: 'arr', arrayProperties: { size: 2 }, createdAt: 10, status: 'PENDING' }),
      job({ jobId: 'arr:0', jobName: 'arr', arrayProperties: { index: 0 }, createdAt: 11, startedAt: 20, stoppedAt: 25, attempts: [{ startedAt: 20, stoppedAt: 25, container: { exitCode: 0 } }] }),
    ], (j) => (j.jobId === 'arr' ? 'array-node' : undefined), 1234);
    assert.deepEqual(t.rows.map((r) => `${r.label}|${r.nodeId}|${r.segments.length}`), ['arr|array-node|0', 'arr [0]|array-node|1', 'arr [1]|array-node|1', 'late|late|0']);
    assert.equal(t.start, 10);
    assert.equal(t.end, undefined, 'a RUNNABLE job keeps the axis open');
    assert.equal(t.now, 1234);
    const done = timelineFromJobs([job({ jobId: 'x', createdAt: 5, startedAt: 6, stoppedAt: 9 })], () => 'x', 0);
    assert.deepEqual([done.start, done.end], [5, 9]);
  });

  it('picks readable axis ticks and labels', () => {
    assert.equal(tickStep(60_000, 6), 10_000);
    assert.equal(tickStep(3_000, 6), 500);
    assert.deepEqual([0, 5000, 65_000, 3_720_000].map(offsetLabel), ['+0s', '+5s', '+1m 05s', '+1h 02m']);
  });
});
