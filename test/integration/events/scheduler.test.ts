/**
 * EventBridge Scheduler on a real `localbatch serve` (scripted runtime): @aws-sdk/client-scheduler
 * and the AWS CLI on the shared endpoint; an at() schedule with the universal target
 * aws-sdk:batch:submitJob submits its job at its time and deletes itself after completion; an
 * acknowledged CreateSchedule survives SIGKILL.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, ListJobsCommand, RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand, ListSchedulesCommand, ResourceNotFoundException, SchedulerClient, UpdateScheduleCommand, ValidationException } from '@aws-sdk/client-scheduler';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { killServe, startServe, type ServeChild } from '../../support/serve-process';

const ROLE = 'arn:aws:iam::000000000000:role/scheduler';

describe('EventBridge Scheduler on the emulator endpoint (integration)', function () {
  this.timeout(180_000);
  let dir: string;
  let stateDir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;
  const args = ['--runtime', 'scripted', '--port', '0'];
  const clients = (e: EmulatorEndpoint) => {
    const common = { endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 };
    return { scheduler: new SchedulerClient(common), batch: new BatchClient(common) };
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-scheduler-'));
    stateDir = path.join(dir, 'state');
    serve = await startServe(args, dir, stateDir);
  });
  after(async () => {
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('an at() schedule submits its Batch job through aws-sdk:batch:submitJob at its time, then deletes itself', async () => {
    const { scheduler, batch } = clients(serve!.endpoint);
    await batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'nightly', type: 'container', containerProperties: { image: 'busybox', command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '32' }] } }));
    const at = new Date(Date.now() + 4000).toISOString().slice(0, 19);
    const created = await scheduler.send(
      new CreateScheduleCommand({
        Name: 'once',
        ScheduleExpression: `at(${at})`,
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: { Arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob', RoleArn: ROLE, Input: JSON.stringify({ JobName: 'from-schedule', JobQueue: 'local', JobDefinition: 'nightly', Parameters: { day: 'today' } }) },
      }),
    );
    assert.equal(created.ScheduleArn, `arn:aws:scheduler:${serve!.endpoint.region}:000000000000:schedule/default/once`);
    const got = await scheduler.send(new GetScheduleCommand({ Name: 'once' }));
    assert.equal(got.ScheduleExpression, `at(${at})`);
    assert.ok(got.CreationDate instanceof Date);
    assert.deepEqual(got.Target?.RetryPolicy, { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 }, 'the default retry policy, shown');
    await assert.rejects(scheduler.send(new CreateScheduleCommand({ Name: 'once', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob', RoleArn: ROLE } })), ConflictException);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const jobs = await batch.send(new ListJobsCommand({ jobQueue: 'local', filters: [{ name: 'JOB_NAME', values: ['from-schedule'] }] }));
      if (jobs.jobSummaryList?.length) break;
      if (Date.now() > deadline) throw new Error('the schedule did not submit its job');
      await new Promise((r) => setTimeout(r, 250));
    }
    await assert.rejects(scheduler.send(new GetScheduleCommand({ Name: 'once' })), ResourceNotFoundException);
  });

  it('validates as the Scheduler API does', async () => {
    const { scheduler } = clients(serve!.endpoint);
    await assert.rejects(scheduler.send(new CreateScheduleCommand({ Name: 'bad', ScheduleExpression: 'cron(0 3 * * * *)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob', RoleArn: ROLE } })), ValidationException);
    await assert.rejects(scheduler.send(new CreateScheduleCommand({ Name: 'bad', ScheduleExpression: 'rate(1 hour)', ScheduleExpressionTimezone: 'Mars/Base', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob', RoleArn: ROLE } })), ValidationException);
    await assert.rejects(scheduler.send(new CreateScheduleCommand({ Name: 'bad', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob', RoleArn: ROLE, RetryPolicy: { MaximumRetryAttempts: 500 } } })), (e: Error) => e instanceof ValidationException && /MaximumRetryAttempts must be a whole number from 0 to 185/.test(e.message));
    await assert.rejects(scheduler.send(new CreateScheduleCommand({ Name: 'bad', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob', RoleArn: ROLE, RetryPolicy: { MaximumEventAgeInSeconds: 100_000 } } })), ValidationException);
  });

  it('an acknowledged CreateSchedule and UpdateSchedule survive SIGKILL; the AWS CLI lists and deletes', async () => {
    const { scheduler } = clients(serve!.endpoint);
    const target = { Arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob', RoleArn: ROLE, Input: '{"JobName":"n","JobQueue":"local","JobDefinition":"nightly"}' };
    await scheduler.send(new CreateScheduleCommand({ Name: 'nightly', ScheduleExpression: 'cron(0 3 * * ? *)', ScheduleExpressionTimezone: 'Europe/Berlin', FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 }, Target: target }));
    await scheduler.send(new UpdateScheduleCommand({ Name: 'nightly', ScheduleExpression: 'cron(30 3 * * ? *)', ScheduleExpressionTimezone: 'Europe/Berlin', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target, State: 'DISABLED' }));
    await killServe(serve!);
    serve = await startServe(args, dir, stateDir);
    const c = clients(serve.endpoint).scheduler;
    const got = await c.send(new GetScheduleCommand({ Name: 'nightly' })).catch((err: unknown) => { console.log(serve!.output()); throw err; });
    assert.deepEqual([got.ScheduleExpression, got.ScheduleExpressionTimezone, got.State, got.FlexibleTimeWindow?.Mode, got.Target?.Input], ['cron(30 3 * * ? *)', 'Europe/Berlin', 'DISABLED', 'OFF', target.Input]);
    const e = serve.endpoint;
    const env = { ...process.env, AWS_ACCESS_KEY_ID: e.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: e.credentials.secretAccessKey, AWS_DEFAULT_REGION: e.region, AWS_PAGER: '' };
    const listed = spawnSync('aws', ['--endpoint-url', e.url, '--output', 'json', 'scheduler', 'list-schedules'], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as { Schedules: Array<{ Name: string; State: string }> }).Schedules.map((s) => [s.Name, s.State]), [['nightly', 'DISABLED']]);
    // spawnSync blocked this process's event loop: a fresh client, not a keep-alive socket the server closed meanwhile.
    const c2 = clients(serve.endpoint).scheduler;
    await c2.send(new DeleteScheduleCommand({ Name: 'nightly' }));
    assert.deepEqual((await c2.send(new ListSchedulesCommand({}))).Schedules, []);
  });
});
