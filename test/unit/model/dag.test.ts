import * as assert from 'node:assert/strict';
import type { JobDetail } from '@aws-sdk/client-batch';
import { expandArray, graphFromJobs, graphFromWorkflow, MAX_EXPANDED_CHILDREN } from '../../../src/model/dag';
import { fastLayeredLayout } from '../../../src/model/dag-layout';
import { DagLiveState } from '../../../src/model/dag-live';
import type { WorkflowFile } from '../../../src/model/types';

const MONTECARLO: WorkflowFile = {
  jobs: {
    preprocess: { jobDefinition: 'pre' },
    simulate: { jobDefinition: 'sim', arrayProperties: { size: 8 }, dependsOn: [{ job: 'preprocess' }] },
    postprocess: { jobDefinition: 'post', arrayProperties: { size: 8 }, dependsOn: [{ job: 'simulate', type: 'N_TO_N' }] },
    aggregate: { jobDefinition: 'agg', dependsOn: [{ job: 'postprocess' }] },
    render: { jobDefinition: 'r', arrayProperties: { size: 4 }, dependsOn: [{ job: 'aggregate' }, { type: 'SEQUENTIAL' }] },
  },
};

describe('dependency graph model (unit)', () => {
  it('plans nodes with array sizes, typed edges and a SEQUENTIAL badge instead of a self-loop', () => {
    const g = graphFromWorkflow(MONTECARLO, 'mc');
    assert.deepEqual(g.nodes.map((n) => [n.id, n.status, n.arraySize ?? null, n.sequential ?? false]), [
      ['preprocess', 'PLANNED', null, false], ['simulate', 'PLANNED', 8, false], ['postprocess', 'PLANNED', 8, false],
      ['aggregate', 'PLANNED', null, false], ['render', 'PLANNED', 4, true],
    ]);
    assert.deepEqual(g.edges.map((e) => `${e.source}>${e.target}:${e.type}`), [
      'preprocess>simulate:plain', 'simulate>postprocess:N_TO_N', 'postprocess>aggregate:plain', 'aggregate>render:plain',
    ]);
  });

  it('ignores unknown dependencies and malformed jobs', () => {
    const g = graphFromWorkflow({ jobs: { a: { jobDefinition: 'x', dependsOn: [{ job: 'nope' }, null as never] } } }, 't');
    assert.equal(g.nodes.length, 1);
    assert.equal(g.edges.length, 0);
    assert.equal(graphFromWorkflow({} as WorkflowFile, 't').nodes.length, 0);
  });

  it('builds the live graph from JobDetails, folding children into the parent counts', () => {
    const jobs: JobDetail[] = [
      { jobId: 'p', jobName: 'pre', status: 'SUCCEEDED' } as unknown as JobDetail,
      { jobId: 's', jobName: 'sim', status: 'RUNNING', dependsOn: [{ jobId: 'p' }], arrayProperties: { size: 3, statusSummary: { SUCCEEDED: 1, RUNNING: 2 } } } as unknown as JobDetail,
      { jobId: 's:0', jobName: 'sim', status: 'SUCCEEDED', arrayProperties: { index: 0 } } as unknown as JobDetail,
      { jobId: 'q', jobName: 'post', status: 'PENDING', dependsOn: [{ jobId: 's', type: 'N_TO_N' }], arrayProperties: { size: 3 } } as unknown as JobDetail,
    ];
    const g = graphFromJobs(jobs, 'live');
    assert.deepEqual(g.nodes.map((n) => n.id), ['pre', 'sim', 'post']);
    assert.deepEqual(g.nodes[1].counts, { SUCCEEDED: 1, RUNNING: 2 });
    assert.deepEqual(g.edges.map((e) => `${e.source}>${e.target}:${e.type}`), ['pre>sim:plain', 'sim>post:N_TO_N']);
  });

  it('expands a small array to its children, N_TO_N child to child, SEQUENTIAL as a chain', () => {
    let g = graphFromWorkflow(MONTECARLO, 'mc');
    g = expandArray(g, 'simulate');
    g = expandArray(g, 'postprocess');
    assert.equal(g.nodes.filter((n) => n.parentId === 'simulate').length, 8);
    const nToN = g.edges.filter((e) => e.type === 'N_TO_N');
    assert.equal(nToN.length, 8);
    assert.ok(nToN.every((e) => e.source.replace('simulate', '') === e.target.replace('postprocess', '')));
    assert.equal(g.edges.filter((e) => e.source === 'preprocess').length, 8);
    const r = expandArray(g, 'render');
    assert.deepEqual(r.edges.filter((e) => e.type === 'SEQUENTIAL').map((e) => e.target), ['render[1]', 'render[2]', 'render[3]']);
  });

  it('does not expand arrays larger than the limit', () => {
    const g = graphFromWorkflow({ jobs: { big: { jobDefinition: 'x', arrayProperties: { size: MAX_EXPANDED_CHILDREN + 1 } } } }, 't');
    assert.equal(expandArray(g, 'big'), g);
  });

  it('turns job events into in-place updates with per-status counts', () => {
    const live = new DagLiveState(graphFromWorkflow(MONTECARLO, 'mc'));
    assert.deepEqual(live.bind('simulate', 'S', 'PENDING'), { id: 'simulate', status: 'PENDING', counts: { PENDING: 8 }, jobId: 'S' });
    assert.deepEqual(live.apply('S', 'RUNNING'), [{ id: 'simulate', status: 'RUNNING', counts: { PENDING: 8 }, jobId: 'S' }]);
    assert.deepEqual(live.apply('S:3', 'RUNNING')[0].counts, { PENDING: 7, RUNNING: 1 });
    assert.deepEqual(live.apply('S:3', 'SUCCEEDED')[0].counts, { PENDING: 7, SUCCEEDED: 1 });
    assert.deepEqual(live.apply('S', 'SUCCEEDED')[0].counts, { SUCCEEDED: 8 });
    assert.deepEqual(live.apply('unknown', 'RUNNING'), []);
    assert.equal(live.jobIdOf('simulate'), 'S');
  });

  it('sends child updates for expanded arrays', () => {
    const live = new DagLiveState(expandArray(graphFromWorkflow(MONTECARLO, 'mc'), 'simulate'));
    live.bind('simulate', 'S', 'RUNNING');
    assert.deepEqual(live.apply('S:2', 'FAILED')[1], { id: 'simulate[2]', status: 'FAILED', jobId: 'S:2' });
  });

  it('lays out large graphs in layers without overlaps', () => {
    const nodes = Array.from({ length: 300 }, (_, i) => ({ id: `n${i}`, width: 100, height: 40 }));
    const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: `n${Math.floor(i / 3)}`, target: n.id, type: 'plain' as const }));
    const res = fastLayeredLayout({ seq: 1, direction: 'RIGHT', nodes, edges });
    const pos = new Map(res.nodes.map((n) => [n.id, n]));
    for (const e of edges) assert.ok(pos.get(e.target)!.x > pos.get(e.source)!.x, `${e.source} before ${e.target}`);
    const keys = new Set(res.nodes.map((n) => `${n.x},${n.y}`));
    assert.equal(keys.size, nodes.length);
    assert.equal(res.edges.length, edges.length);
  });
});
