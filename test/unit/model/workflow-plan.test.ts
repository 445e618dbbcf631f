import assert from 'node:assert/strict';
import type { SubmitJobRequest } from '@aws-sdk/client-batch';
import { planWorkflow, submitPlan, WorkflowPlanError } from '../../../src/model/workflow-plan';
import type { WorkflowFile } from '../../../src/model/types';

const wf: WorkflowFile = {
  jobs: {
    aggregate: { jobDefinition: 'agg', dependsOn: [{ job: 'post' }] },
    post: { jobDefinition: 'post:2', arrayProperties: { size: 3 }, dependsOn: [{ job: 'sim', type: 'N_TO_N' }] },
    sim: { jobDefinition: 'sim', arrayProperties: { size: 3 }, parameters: { n: '1', keep: 'x' }, dependsOn: [{ job: 'prep' }] },
    prep: { jobDefinition: 'prep', jobQueue: 'gpu', timeout: { attemptDurationSeconds: 60 } },
    frames: { jobDefinition: 'render', jobName: 'render-frames', arrayProperties: { size: 4 }, dependsOn: [{ type: 'SEQUENTIAL' }] },
  },
};

describe('workflow plan (unit)', () => {
  it('orders jobs after their dependencies and fills in names, queues and parameters', () => {
    const plan = planWorkflow(wf, { defaultQueue: 'local', parameters: { n: '9' }, resolveJobQueue: (q) => `arn:q/${q}` });
    const order = plan.map((p) => p.name);
    for (const [a, b] of [['prep', 'sim'], ['sim', 'post'], ['post', 'aggregate']]) assert.ok(order.indexOf(a) < order.indexOf(b), `${a} before ${b}`);
    const sim = plan.find((p) => p.name === 'sim')!;
    assert.deepEqual(sim.request.parameters, { n: '9', keep: 'x' });
    assert.equal(sim.request.jobQueue, 'local');
    assert.equal(plan.find((p) => p.name === 'prep')!.request.jobQueue, 'arn:q/gpu');
    assert.deepEqual(plan.find((p) => p.name === 'prep')!.request.timeout, { attemptDurationSeconds: 60 });
    assert.equal(plan.find((p) => p.name === 'frames')!.request.jobName, 'render-frames');
    assert.equal(plan.find((p) => p.name === 'aggregate')!.request.jobName, 'aggregate');
  });

  it('maps dependency names to the ids the service returns', async () => {
    const seen: SubmitJobRequest[] = [];
    let n = 0;
    const done = await submitPlan(planWorkflow(wf, { defaultQueue: 'local' }), async (req) => {
      seen.push(req);
      return { jobId: `id-${++n}`, jobName: req.jobName };
    });
    const idOf = (name: string) => done.find((d) => d.name === name)!.jobId;
    const post = seen.find((r) => r.jobName === 'post')!;
    assert.deepEqual(post.dependsOn, [{ jobId: idOf('sim'), type: 'N_TO_N' }]);
    assert.deepEqual(seen.find((r) => r.jobName === 'render-frames')!.dependsOn, [{ type: 'SEQUENTIAL' }]);
    assert.equal(seen.find((r) => r.jobName === 'prep')!.dependsOn, undefined);
  });

  it('rejects cycles with the cycle in the message, and unknown names', () => {
    const cyclic: WorkflowFile = { jobs: { a: { jobDefinition: 'd', dependsOn: [{ job: 'b' }] }, b: { jobDefinition: 'd', dependsOn: [{ job: 'a' }] } } };
    assert.throws(() => planWorkflow(cyclic, { defaultQueue: 'q' }), (e: Error) => e instanceof WorkflowPlanError && /a -> b -> a/.test(e.message));
    const unknown: WorkflowFile = { jobs: { a: { jobDefinition: 'd', dependsOn: [{ job: 'zz' }] } } };
    assert.throws(() => planWorkflow(unknown, { defaultQueue: 'q' }), /unknown job 'zz'/);
  });

  it('handles a 10,000-job chain without recursion limits', () => {
    const jobs: WorkflowFile['jobs'] = {};
    for (let i = 0; i < 10000; i++) jobs[`j${i}`] = { jobDefinition: 'd', dependsOn: i > 0 ? [{ job: `j${i - 1}` }] : [] };
    const plan = planWorkflow({ jobs }, { defaultQueue: 'q' });
    assert.equal(plan[0].name, 'j0');
    assert.equal(plan[9999].name, 'j9999');
  });
});
