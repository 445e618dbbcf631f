import * as assert from 'node:assert/strict';
import type { ComputeEnvironmentDetail, JobDefinition, JobDetail, JobQueueDetail } from '@aws-sdk/client-batch';
import { explainStuck, jobNeedsOf, stuckMarkdown, type StuckInput } from '../../../src/model/stuck';

const ARN = 'arn:aws:batch:us-east-1:123456789012';

function job(vcpus: string, memory: string, extra: Partial<JobDetail> = {}): JobDetail {
  return {
    jobId: 'j-1', jobName: 'simulate', status: 'RUNNABLE', jobQueue: `${ARN}:job-queue/cpu`, createdAt: 1000, startedAt: undefined,
    container: { resourceRequirements: [{ type: 'VCPU', value: vcpus }, { type: 'MEMORY', value: memory }] },
    jobDefinition: `${ARN}:job-definition/sim:1`,
    ...extra,
  } as JobDetail;
}

function ce(name: string, maxvCpus: number, extra: Partial<ComputeEnvironmentDetail> = {}, instanceTypes = ['m5.xlarge']): ComputeEnvironmentDetail {
  return {
    computeEnvironmentName: name, computeEnvironmentArn: `${ARN}:compute-environment/${name}`, type: 'MANAGED', state: 'ENABLED', status: 'VALID',
    computeResources: { type: 'EC2', maxvCpus, minvCpus: 0, instanceTypes, subnets: [] },
    ...extra,
  } as ComputeEnvironmentDetail;
}

function queue(ces: readonly string[], extra: Partial<JobQueueDetail> = {}): JobQueueDetail {
  return {
    jobQueueName: 'cpu', jobQueueArn: `${ARN}:job-queue/cpu`, state: 'ENABLED', status: 'VALID', priority: 1,
    computeEnvironmentOrder: ces.map((c, i) => ({ order: i + 1, computeEnvironment: `${ARN}:compute-environment/${c}` })),
    ...extra,
  } as JobQueueDetail;
}

function input(j: JobDetail, q: JobQueueDetail | undefined, ces: ComputeEnvironmentDetail[], extra: Partial<StuckInput> = {}): StuckInput {
  return { target: 'aws', job: j, queue: q, computeEnvironments: ces, ...extra };
}

describe('why a job is stuck (unit)', () => {
  it('reads needs from resourceRequirements, legacy fields and node ranges', () => {
    assert.deepEqual(jobNeedsOf(job('4', '2048')), [{ label: '', amounts: { vcpus: 4, memoryMiB: 2048 } }]);
    assert.deepEqual(jobNeedsOf({ container: { vcpus: 2, memory: 512 } } as JobDetail)[0].amounts, { vcpus: 2, memoryMiB: 512 });
    const mnp = { nodeProperties: { numNodes: 2, mainNode: 0, nodeRangeProperties: [{ targetNodes: '0:1', container: { resourceRequirements: [{ type: 'GPU', value: '1' }] } }] } } as JobDetail;
    assert.deepEqual(jobNeedsOf(mnp), [{ label: 'node range 0:1', amounts: { gpus: 1 } }]);
    // What the job detail leaves out comes from the job definition; the job's own values win.
    const def = { jobDefinitionName: 'd', jobDefinitionArn: 'a', revision: 1, type: 'container', containerProperties: { resourceRequirements: [{ type: 'VCPU', value: '8' }, { type: 'MEMORY', value: '4096' }] } } as JobDefinition;
    assert.deepEqual(jobNeedsOf({ container: { resourceRequirements: [{ type: 'MEMORY', value: '512' }] } } as JobDetail, def)[0].amounts, { vcpus: 8, memoryMiB: 512 });
    assert.deepEqual(jobNeedsOf({} as JobDetail, def)[0].amounts, { vcpus: 8, memoryMiB: 4096 });
  });

  it('a job no instance type can hold never runs, and the fix names a larger instance type or a smaller need', () => {
    // m5.xlarge: 4 vCPU, 16 GiB; the job wants 8 vCPU.
    const e = explainStuck(input(job('8', '1024'), queue(['small']), [ce('small', 256)]));
    assert.equal(e.verdict, 'never');
    assert.match(e.summary, /^It needs 8 vCPU, 1024 MiB of memory, more than any compute environment of job queue 'cpu' can provide, so it stays RUNNABLE until it is cancelled/);
    assert.equal(e.environments[0].fits, false);
    assert.match(e.environments[0].problems.join(), /needs 8 vCPU, but its largest instance type has 4 vCPU/);
    assert.ok(e.fixes.some((f) => /Add a larger instance type to 'small' to at least 8, or lower the job's vCPU to 4 or less/.test(f)), e.fixes.join('\n'));
  });

  it('maxvCpus below the need: never runs, fix raises maxvCpus (MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE)', () => {
    const e = explainStuck(input(job('16', '1024', { statusReason: 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) associated with the job queue cannot meet the CPU requirement of the job.' }),
      queue(['tiny']), [ce('tiny', 8, {}, ['m5.8xlarge'])]));
    assert.equal(e.verdict, 'never');
    assert.match(e.environments[0].problems[0], /needs 16 vCPU, but maxvCpus is 8/);
    assert.ok(e.fixes.some((f) => /Raise computeResources.maxvCpus of 'tiny' to at least 16/.test(f)), e.fixes.join('\n'));
    assert.match(e.summary, /MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE/);
  });

  it('locally, the built-in unmanaged environment is sized by localbatch.yaml capacity', () => {
    const local = { ...ce('local', 0), type: 'UNMANAGED', computeResources: undefined } as ComputeEnvironmentDetail;
    const e = explainStuck(input(job('4', '64'), { ...queue(['local']), jobQueueName: 'local' }, [local], {
      target: 'local', localCapacity: { vcpus: 2, memoryMiB: 4096, source: 'capacity in localbatch.yaml' },
    }));
    assert.equal(e.verdict, 'never');
    assert.match(e.environments[0].problems[0], /needs 4 vCPU, but the local capacity is 2 vCPU \(capacity in localbatch.yaml\)/);
    assert.ok(e.fixes.some((f) => /Raise capacity.vcpus in localbatch.yaml to at least 4/.test(f)), e.fixes.join('\n'));
    // Within the capacity the same job fits.
    assert.notEqual(explainStuck(input(job('2', '64'), { ...queue(['local']), jobQueueName: 'local' }, [local], {
      target: 'local', localCapacity: { vcpus: 2, memoryMiB: 4096, source: 'x' },
    })).verdict, 'never');
  });

  it('a DISABLED compute environment that would fit blocks the job, and the fix enables it', () => {
    const e = explainStuck(input(job('2', '1024'), queue(['off', 'big']), [ce('off', 64, { state: 'DISABLED' }), ce('big', 1, {})]));
    assert.equal(e.verdict, 'blocked');
    assert.deepEqual(e.environments.map((x) => [x.name, x.fits, x.usable]), [['off', true, false], ['big', false, true]]);
    assert.match(e.summary, /fits 'off', but no compute environment it fits takes jobs now \('off' is DISABLED\)/);
    assert.equal(e.fixes[0], "Enable compute environment 'off' (UpdateComputeEnvironment --state ENABLED).");
  });

  it('a DISABLED queue is reported, but jobs already in it still run (AWS: DISABLED rejects only new jobs)', () => {
    const disabled = explainStuck(input(job('2', '1024'), queue(['ok'], { state: 'DISABLED' }), [ce('ok', 64)]));
    assert.equal(disabled.verdict, 'waiting');
    assert.match(disabled.queueNotes.join(), /The queue is DISABLED: it takes no new jobs \(SubmitJob fails\), but jobs already in it, like this one, still run/);
    const invalid = explainStuck(input(job('2', '1024'), queue(['ok'], { status: 'INVALID', statusReason: 'CE gone' }), [ce('ok', 64)]));
    assert.equal(invalid.verdict, 'blocked');
    assert.match(invalid.summary, /cannot schedule jobs: The queue is INVALID: CE gone/);
  });

  it('fits but busy: waits for capacity, names running jobs and a never-fitting head that blocks the queue', () => {
    const queued = [
      { jobId: 'r-1', jobName: 'other', status: 'RUNNING' },
      { jobId: 'h-1', jobName: 'huge', status: 'RUNNABLE', createdAt: 500, statusReason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - no instance fits' },
      { jobId: 'j-1', jobName: 'simulate', status: 'RUNNABLE', createdAt: 1000 },
    ];
    const e = explainStuck(input(job('2', '1024'), queue(['ok']), [ce('ok', 64)], { queueJobs: queued }));
    assert.equal(e.verdict, 'waiting');
    assert.match(e.summary, /It fits 'ok' and waits for free capacity/);
    assert.match(e.summary, /'huge' ahead of it .* can never run .* blocks the jobs behind it/);
    assert.match(e.fixes[0], /Cancel the job 'huge' \(h-1\)/);
    const plain = explainStuck(input(job('2', '1024'), queue(['ok']), [ce('ok', 64)], { queueJobs: [queued[0], { ...queued[1], statusReason: undefined }] }));
    assert.match(plain.summary, /1 job\(s\) of queue 'cpu' are running and 1 are ahead of it/);
  });

  it('Fargate jobs on EC2 queues, GPUs on CPU-only instances, a missing queue and non-RUNNABLE jobs', () => {
    const fargate = explainStuck(input(job('1', '2048', { platformCapabilities: ['FARGATE'] }), queue(['ec2']), [ce('ec2', 64)]));
    assert.equal(fargate.verdict, 'never');
    assert.match(fargate.environments[0].problems[0], /EC2 compute environment, the job is for Fargate/);
    const gpu = job('1', '1024');
    gpu.container!.resourceRequirements!.push({ type: 'GPU', value: '1' });
    const g = explainStuck(input(gpu, queue(['cpu-only']), [ce('cpu-only', 64, {}, ['c5.large', 'optimal'])]));
    assert.equal(g.verdict, 'never');
    assert.match(g.environments[0].problems[0], /needs 1 GPU; none of its instance types/);
    assert.equal(explainStuck(input(job('1', '1'), undefined, [])).verdict, 'no-queue');
    const pending = explainStuck(input(job('1', '1', { status: 'PENDING' }), queue(['ok']), [ce('ok', 4)]));
    assert.equal(pending.verdict, 'not-runnable');
    assert.match(pending.summary, /PENDING, not RUNNABLE: it waits for its dependencies/);
  });

  it('renders Markdown with the verdict, the fixes and a table of the environments in queue order', () => {
    const e = explainStuck(input(job('8', '1024'), queue(['b', 'a']), [ce('a', 256), ce('b', 4)]));
    const text = stuckMarkdown(e, 'aws');
    assert.match(text, /^# Why is simulate stuck\?/);
    assert.match(text, /## Can never run/);
    assert.match(text, /## What to change\n\n- /);
    const rows = text.split('\n').filter((l) => /^\| \d/.test(l));
    assert.deepEqual(rows.map((r) => r.split('|')[2].trim()), ['b', 'a']);
  });
});
