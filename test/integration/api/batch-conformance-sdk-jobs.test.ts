import assert from 'node:assert/strict';
import {
  BatchClient,
  CancelJobCommand,
  CancelJobsCommand,
  ClientException,
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  CreateSchedulingPolicyCommand,
  DescribeJobsCommand,
  GetJobQueueSnapshotCommand,
  ListJobsCommand,
  type ListJobsCommandInput,
  paginateListJobs,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  TerminateJobCommand,
  TerminateJobsCommand,
  type JobSummary,
} from '@aws-sdk/client-batch';
import { startConformanceServer, until, type ConformanceServer } from './batch-conformance-harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const container = (script: string) => ({ image: 'busybox', command: ['sh', '-c', script], resourceRequirements: [{ type: 'VCPU' as const, value: '1' }, { type: 'MEMORY' as const, value: '64' }] });

async function rejectsClient(p: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ClientException, `expected ClientException, got ${String(err)}`);
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.match(err.message, message);
    return true;
  });
}

async function listAll(client: BatchClient, input: ListJobsCommandInput, pageSize: number): Promise<{ jobs: JobSummary[]; pages: number[] }> {
  const jobs: JobSummary[] = [];
  const pages: number[] = [];
  for await (const page of paginateListJobs({ client, pageSize }, input)) {
    pages.push(page.jobSummaryList?.length ?? 0);
    jobs.push(...(page.jobSummaryList ?? []));
    if (pages.length > 100) throw new Error('runaway pagination');
  }
  return { jobs, pages };
}

describe('Batch conformance, jobs, through @aws-sdk/client-batch (integration)', () => {
  let s: ConformanceServer;
  let client: BatchClient;
  const held: Array<{ jobId: string; jobName: string }> = [];
  let other1Arn = '';
  let cutoff = 0;

  before(async () => {
    s = await startConformanceServer();
    client = s.client();
    await client.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'quick', type: 'container', containerProperties: container('echo hi') }));
    await client.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'sleeper', type: 'container', containerProperties: container('sleep 30') }));
    other1Arn = (await client.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'other', type: 'container', containerProperties: container('echo other') }))).jobDefinitionArn!;
    // A queue whose only compute environment is DISABLED: its jobs stay RUNNABLE. It has a fair-share
    // policy, since SubmitJob takes a shareIdentifier (listed by the SHARE_IDENTIFIER filter) only then.
    await client.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'off', type: 'UNMANAGED', state: 'DISABLED' }));
    const policy = await client.send(new CreateSchedulingPolicyCommand({ name: 'hold-shares', fairsharePolicy: {} }));
    await client.send(new CreateJobQueueCommand({ jobQueueName: 'hold', priority: 1, schedulingPolicyArn: policy.arn, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'off' }] }));
    for (let i = 0; i < 25; i++) {
      if (i === 20) {
        await sleep(5);
        cutoff = Date.now();
        await sleep(5);
        await client.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'other', type: 'container', containerProperties: container('echo other 2') }));
      }
      const def = i % 5 === 0 ? 'other' : 'quick';
      const out = await client.send(new SubmitJobCommand({ jobName: `batch-${i}`, jobQueue: 'hold', jobDefinition: def, shareIdentifier: i % 2 ? 'odd' : 'even' }));
      held.push({ jobId: out.jobId!, jobName: out.jobName! });
    }
    await until(async () => {
      const r = await client.send(new ListJobsCommand({ jobQueue: 'hold', jobStatus: 'RUNNABLE' }));
      return r.jobSummaryList?.length === 25;
    });
  });
  after(async () => s.close());

  it('lists one status (RUNNING by default) and pages with paginateListJobs', async () => {
    const running = await client.send(new ListJobsCommand({ jobQueue: 'hold' }));
    assert.deepEqual(running.jobSummaryList, []);
    const { jobs, pages } = await listAll(client, { jobQueue: 'hold', jobStatus: 'RUNNABLE' }, 10);
    assert.deepEqual(pages, [10, 10, 5]);
    assert.equal(new Set(jobs.map((j) => j.jobId)).size, 25);
    for (const j of jobs) {
      assert.equal(j.status, 'RUNNABLE');
      assert.match(j.jobArn!, /^arn:aws:batch:us-east-1:123456789012:job\/[0-9a-f-]{36}$/);
      assert.equal(typeof j.createdAt, 'number');
    }
    const byArn = await client.send(new ListJobsCommand({ jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/hold', jobStatus: 'RUNNABLE', maxResults: 1000 }));
    assert.equal(byArn.jobSummaryList?.length, 25);
    assert.equal(byArn.nextToken, undefined);
  });

  it('JOB_NAME: case-insensitive, trailing * as a prefix, any status, newest first', async () => {
    const prefix = await client.send(new ListJobsCommand({ jobQueue: 'hold', jobStatus: 'SUCCEEDED', filters: [{ name: 'JOB_NAME', values: ['BATCH-1*'] }] }));
    const names = prefix.jobSummaryList!.map((j) => j.jobName);
    assert.deepEqual(names, ['batch-19', 'batch-18', 'batch-17', 'batch-16', 'batch-15', 'batch-14', 'batch-13', 'batch-12', 'batch-11', 'batch-10', 'batch-1']);
    const created = prefix.jobSummaryList!.map((j) => j.createdAt!);
    assert.deepEqual(created, [...created].sort((a, b) => b - a));
    const exact = await client.send(new ListJobsCommand({ jobQueue: 'hold', filters: [{ name: 'JOB_NAME', values: ['Batch-3'] }] }));
    assert.deepEqual(exact.jobSummaryList!.map((j) => j.jobName), ['batch-3']);
  });

  it('JOB_DEFINITION: name (any revision), name*, revision ARN', async () => {
    const byName = await client.send(new ListJobsCommand({ jobQueue: 'hold', filters: [{ name: 'JOB_DEFINITION', values: ['other'] }] }));
    assert.deepEqual(byName.jobSummaryList!.map((j) => j.jobName), ['batch-20', 'batch-15', 'batch-10', 'batch-5', 'batch-0']);
    const star = await client.send(new ListJobsCommand({ jobQueue: 'hold', filters: [{ name: 'JOB_DEFINITION', values: ['oth*'] }] }));
    assert.equal(star.jobSummaryList!.length, 5);
    const rev1 = await client.send(new ListJobsCommand({ jobQueue: 'hold', filters: [{ name: 'JOB_DEFINITION', values: [other1Arn] }] }));
    assert.deepEqual(rev1.jobSummaryList!.map((j) => j.jobName), ['batch-15', 'batch-10', 'batch-5', 'batch-0']);
    await rejectsClient(client.send(new ListJobsCommand({ jobQueue: 'hold', filters: [{ name: 'JOB_DEFINITION', values: [`${other1Arn}*`] }] })), /asterisk/i);
  });

  it('BEFORE_CREATED_AT / AFTER_CREATED_AT take epoch milliseconds', async () => {
    const before = await client.send(new ListJobsCommand({ jobQueue: 'hold', filters: [{ name: 'BEFORE_CREATED_AT', values: [String(cutoff)] }] }));
    assert.equal(before.jobSummaryList!.length, 20);
    const after = await client.send(new ListJobsCommand({ jobQueue: 'hold', filters: [{ name: 'AFTER_CREATED_AT', values: [String(cutoff)] }] }));
    assert.deepEqual(after.jobSummaryList!.map((j) => j.jobName), ['batch-24', 'batch-23', 'batch-22', 'batch-21', 'batch-20']);
    await rejectsClient(client.send(new ListJobsCommand({ jobQueue: 'hold', filters: [{ name: 'AFTER_CREATED_AT', values: ['yesterday'] }] })), /milliseconds/);
  });

  it('SHARE_IDENTIFIER keeps jobStatus (default RUNNING)', async () => {
    const odd = await client.send(new ListJobsCommand({ jobQueue: 'hold', jobStatus: 'RUNNABLE', filters: [{ name: 'SHARE_IDENTIFIER', values: ['odd'] }] }));
    assert.equal(odd.jobSummaryList!.length, 12);
    const running = await client.send(new ListJobsCommand({ jobQueue: 'hold', filters: [{ name: 'SHARE_IDENTIFIER', values: ['odd'] }] }));
    assert.equal(running.jobSummaryList!.length, 0);
  });

  it('pages a filtered list newest first, with tokens bound to the query', async () => {
    const { jobs, pages } = await listAll(client, { jobQueue: 'hold', filters: [{ name: 'JOB_NAME', values: ['batch*'] }] }, 7);
    assert.deepEqual(pages, [7, 7, 7, 4]);
    assert.deepEqual(jobs.map((j) => j.jobName), Array.from({ length: 25 }, (_, i) => `batch-${24 - i}`));
    const first = await client.send(new ListJobsCommand({ jobQueue: 'hold', jobStatus: 'RUNNABLE', maxResults: 5 }));
    assert.ok(first.nextToken);
    await rejectsClient(client.send(new ListJobsCommand({ jobQueue: 'hold', jobStatus: 'PENDING', maxResults: 5, nextToken: first.nextToken })), /different request/);
    await rejectsClient(client.send(new ListJobsCommand({ jobQueue: 'hold', jobStatus: 'RUNNABLE', nextToken: 'not-a-token' })), /nextToken/);
  });

  it('refuses malformed ListJobs requests', async () => {
    await rejectsClient(client.send(new ListJobsCommand({})), /Exactly one of jobQueue, arrayJobId or multiNodeJobId/);
    await rejectsClient(client.send(new ListJobsCommand({ jobQueue: 'hold', arrayJobId: held[0].jobId })), /Exactly one/);
    await rejectsClient(client.send(new ListJobsCommand({ jobQueue: 'hold', maxResults: 1001 })), /between 1 and 1000/);
    await rejectsClient(client.send(new ListJobsCommand({ jobQueue: 'hold', maxResults: 0 })), /between 1 and 1000/);
    await rejectsClient(client.send(new ListJobsCommand({ jobQueue: 'hold', maxResults: 101, filters: [{ name: 'JOB_NAME', values: ['x'] }] })), /between 1 and 100/);
    await rejectsClient(client.send(new ListJobsCommand({ jobQueue: 'hold', filters: [{ name: 'JOB_NAME', values: ['a'] }, { name: 'JOB_NAME', values: ['b'] }] })), /Only one filter/);
    await rejectsClient(client.send(new ListJobsCommand({ jobQueue: 'hold', filters: [{ name: 'COLOUR', values: ['blue'] }] })), /Filter name must be one of/);
    await rejectsClient(client.send(new ListJobsCommand({ jobQueue: 'nope' })), /Job queue nope does not exist/);
    await rejectsClient(client.send(new ListJobsCommand({ multiNodeJobId: 'nope' })), /does not exist/);
    await rejectsClient(client.send(new ListJobsCommand({ multiNodeJobId: held[0].jobId })), /not a multi-node/);
  });

  it('lists an array job’s children by arrayJobId', async () => {
    const parent = await client.send(new SubmitJobCommand({ jobName: 'fan', jobQueue: 'hold', jobDefinition: 'quick', shareIdentifier: 'even', arrayProperties: { size: 3 } }));
    await until(async () => (await client.send(new ListJobsCommand({ arrayJobId: parent.jobId, jobStatus: 'RUNNABLE' }))).jobSummaryList?.length === 3);
    const children = await client.send(new ListJobsCommand({ arrayJobId: parent.jobId, jobStatus: 'RUNNABLE' }));
    assert.deepEqual(children.jobSummaryList!.map((j) => [j.jobId, j.arrayProperties?.index]), [0, 1, 2].map((i) => [`${parent.jobId}:${i}`, i]));
    const snap = await client.send(new GetJobQueueSnapshotCommand({ jobQueue: 'hold' }));
    const arns = snap.frontOfQueue!.jobs!.map((j) => j.jobArn);
    assert.equal(arns.length, 28);
    assert.ok(arns[0]!.endsWith(held[0].jobId));
    assert.ok(arns.at(-1)!.endsWith(`${parent.jobId}:2`));
    assert.equal(typeof snap.frontOfQueue!.jobs![0].earliestTimeAtPosition, 'number');
    await rejectsClient(client.send(new GetJobQueueSnapshotCommand({ jobQueue: 'nope' })), /does not exist/);
  });

  it('DescribeJobs: up to 100 ids in order asked, unknown ids left out, more refused', async () => {
    const ids = held.map((h) => h.jobId);
    const out = await client.send(new DescribeJobsCommand({ jobs: [ids[3], 'unknown', ids[1]] }));
    assert.deepEqual(out.jobs!.map((j) => j.jobName), ['batch-3', 'batch-1']);
    assert.equal(out.jobs![0].jobQueue, 'arn:aws:batch:us-east-1:123456789012:job-queue/hold');
    const hundred = Array.from({ length: 100 }, (_, i) => ids[i % ids.length]);
    assert.equal((await client.send(new DescribeJobsCommand({ jobs: hundred }))).jobs!.length, 100);
    await rejectsClient(client.send(new DescribeJobsCommand({ jobs: [...hundred, ids[0]] })), /at most 100/);
  });

  it('runs a job to SUCCEEDED; SubmitJob refuses bad requests', async () => {
    const { jobId } = await client.send(new SubmitJobCommand({ jobName: 'ok', jobQueue: 'local', jobDefinition: 'quick:1', tags: { team: 'a' } }));
    await until(async () => (await client.send(new DescribeJobsCommand({ jobs: [jobId!] }))).jobs?.[0]?.status === 'SUCCEEDED');
    const [job] = (await client.send(new DescribeJobsCommand({ jobs: [jobId!] }))).jobs!;
    assert.equal(job.container?.exitCode, 0);
    assert.deepEqual(job.tags, { team: 'a' });
    await rejectsClient(client.send(new SubmitJobCommand({ jobName: 'x', jobQueue: 'nope', jobDefinition: 'quick' })), /Job queue nope does not exist/);
    await rejectsClient(client.send(new SubmitJobCommand({ jobName: 'x', jobQueue: 'local', jobDefinition: 'missing' })), /Job definition missing does not exist/);
    await rejectsClient(client.send(new SubmitJobCommand({ jobName: 'bad name!', jobQueue: 'local', jobDefinition: 'quick' })), /jobName/);
    await rejectsClient(client.send(new SubmitJobCommand({ jobName: 'x', jobQueue: 'local', jobDefinition: 'quick', arrayProperties: { size: 1 } })), /between 2 and 10000/);
    await rejectsClient(client.send(new SubmitJobCommand({ jobName: 'x', jobQueue: 'local', jobDefinition: 'quick', dependsOn: [{ jobId: 'ghost' }] })), /ghost does not exist/);
    await rejectsClient(client.send(new SubmitJobCommand({ jobName: 'x', jobQueue: 'local', jobDefinition: 'quick', tags: { 'aws:x': '1' } })), /reserved/);
  });

  it('CancelJob fails a RUNNABLE job; TerminateJob stops a RUNNING one', async () => {
    const victim = held[0].jobId; // the head of its queue: AWS cancels RUNNABLE jobs as they reach it
    await client.send(new CancelJobCommand({ jobId: victim, reason: 'not needed' }));
    await until(async () => (await client.send(new DescribeJobsCommand({ jobs: [victim] }))).jobs?.[0]?.status === 'FAILED');
    const [cancelled] = (await client.send(new DescribeJobsCommand({ jobs: [victim] }))).jobs!;
    assert.equal(cancelled.statusReason, 'not needed');
    const { jobId } = await client.send(new SubmitJobCommand({ jobName: 'long', jobQueue: 'local', jobDefinition: 'sleeper' }));
    await until(async () => (await client.send(new DescribeJobsCommand({ jobs: [jobId!] }))).jobs?.[0]?.status === 'RUNNING');
    await client.send(new TerminateJobCommand({ jobId, reason: 'stop now' }));
    await until(async () => (await client.send(new DescribeJobsCommand({ jobs: [jobId!] }))).jobs?.[0]?.status === 'FAILED');
    const [terminated] = (await client.send(new DescribeJobsCommand({ jobs: [jobId!] }))).jobs!;
    assert.equal(terminated.statusReason, 'stop now');
    await rejectsClient(client.send(new CancelJobCommand({ jobId: 'ghost', reason: 'x' })), /ghost does not exist/);
    await rejectsClient(client.send(new TerminateJobCommand({ jobId, reason: '' })), /reason/);
  });

  it('CancelJobs / TerminateJobs act on up to 50 jobs and report per-job errors', async () => {
    const a = await client.send(new SubmitJobCommand({ jobName: 'batch-a', jobQueue: 'local', jobDefinition: 'sleeper' }));
    const b = await client.send(new SubmitJobCommand({ jobName: 'batch-b', jobQueue: 'local', jobDefinition: 'sleeper' }));
    await until(async () => (await client.send(new DescribeJobsCommand({ jobs: [a.jobId!, b.jobId!] }))).jobs?.every((j) => j.status === 'RUNNING') === true);
    const out = await client.send(new TerminateJobsCommand({ jobs: [a.jobId!, 'ghost', b.jobId!], reason: 'batch stop' }));
    assert.deepEqual(out.successful, [a.jobId, b.jobId]);
    assert.deepEqual(out.errors?.map((e) => [e.job, e.code]), [['ghost', 'ClientException']]);
    await until(async () => (await client.send(new DescribeJobsCommand({ jobs: [a.jobId!, b.jobId!] }))).jobs?.every((j) => j.status === 'FAILED' && j.statusReason === 'batch stop') === true);
    const cancelled = await client.send(new CancelJobsCommand({ jobs: [held[1].jobId], reason: 'batch cancel' }));
    assert.deepEqual(cancelled.successful, [held[1].jobId]);
    await rejectsClient(client.send(new CancelJobsCommand({ jobs: Array.from({ length: 51 }, (_, i) => `j${i}`), reason: 'x' })), /50/);
  });
});
