/**
 * The AWS CLI's `aws stepfunctions` against the emulator's endpoint: a JSONata and JSONPath machine
 * with a callback task answered by send-task-success, validation, histories and tags, a
 * distributed Map's children, and redrive-execution.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientsFor } from '../../../src/cli/run/session';
import { credentialsPath } from '../../../src/emulator/edge/credentials';
import { LocalService } from '../../../src/emulator/service';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';

describe('aws stepfunctions (AWS CLI) against the emulator', function () {
  this.timeout(180_000);
  let dir: string;
  let service: LocalService;
  /** The server runs in this process: the CLI is run asynchronously so it can answer. */
  let aws: (...args: string[]) => Promise<Record<string, unknown>>;

  before(async function () {
    await dockerForTests(this);
    dir = mkdtempSync(path.join(tmpdir(), 'lb-sfn-cli-'));
    const stateDir = path.join(dir, '.localbatch');
    service = await LocalService.start({ stateDir, workspaceRoot: dir, log: () => undefined });
    await clientsFor(service.endpoint).batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'ok', type: 'container', containerProperties: { image: TEST_IMAGE, command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '32' }] } }));
    const env = { ...process.env, AWS_SHARED_CREDENTIALS_FILE: credentialsPath(stateDir), AWS_PROFILE: 'localbatch', AWS_DEFAULT_REGION: service.endpoint.region };
    aws = (...args) =>
      new Promise((resolve, reject) => {
        execFile('aws', ['--endpoint-url', service.endpoint.url, 'stepfunctions', ...args, '--output', 'json'], { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
          if (err) reject(new Error(`${err.message}\n${stderr}`));
          else resolve(stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {});
        });
      });
  });
  after(async () => {
    await service.close({ terminateAll: true, graceMs: 5000 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a callback task answered with send-task-success, with JSONata variables', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Submit',
      States: {
        Submit: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:batch:submitJob.waitForTaskToken',
          Arguments: { JobName: 'cb', JobQueue: 'local', JobDefinition: 'ok', ContainerOverrides: { Environment: [{ Name: 'TASK_TOKEN', Value: '{% $states.context.Task.Token %}' }] } },
          Assign: { answer: '{% $states.result.answer %}' },
          // (the state's own Output sees the variables as the state found them; the next state sees `answer`)
          Next: 'Double',
        },
        Double: { Type: 'Pass', Output: { doubled: '{% $answer * 2 %}' }, End: true },
      },
    };
    const { stateMachineArn } = (await aws('create-state-machine', '--name', 'cb', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--definition', JSON.stringify(definition))) as { stateMachineArn: string };
    const { executionArn } = (await aws('start-execution', '--state-machine-arn', stateMachineArn, '--input', '{}')) as { executionArn: string };
    let token: string | undefined;
    for (let i = 0; i < 300 && !token; i++) {
      const h = (await aws('get-execution-history', '--execution-arn', executionArn)) as { events: Array<{ type: string; taskScheduledEventDetails?: { parameters: string } }> };
      const s = h.events.find((e) => e.type === 'TaskScheduled');
      token = s && (JSON.parse(s.taskScheduledEventDetails!.parameters) as { ContainerOverrides: { Environment: Array<{ Value: string }> } }).ContainerOverrides.Environment[0].Value;
      if (!token) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(token);
    await aws('send-task-success', '--task-token', token, '--task-output', '{"answer":21}');
    let d: { status: string; output?: string } = { status: 'RUNNING' };
    for (let i = 0; i < 300 && d.status === 'RUNNING'; i++) {
      d = (await aws('describe-execution', '--execution-arn', executionArn)) as typeof d;
      if (d.status === 'RUNNING') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(d.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(d.output!), { doubled: 42 });
    await assert.rejects(aws('send-task-success', '--task-token', 'bogus', '--task-output', '{}'), /InvalidToken/);
  });

  it('create-state-machine refuses a broken definition; tags round-trip', async () => {
    await assert.rejects(
      aws('create-state-machine', '--name', 'broken', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--definition', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } })),
      /InvalidDefinition[\s\S]*Nowhere/,
    );
    // A Wait with two of its fields, and a Map whose MaxConcurrency is negative, fail at creation, not at run time.
    await assert.rejects(
      aws('create-state-machine', '--name', 'two-waits', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--definition', JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, SecondsPath: '$.s', End: true } } })),
      /InvalidDefinition[\s\S]*exactly one of Seconds/,
    );
    await assert.rejects(
      aws('create-state-machine', '--name', 'negative', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--definition', JSON.stringify({ StartAt: 'M', States: { M: { Type: 'Map', MaxConcurrency: -1, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } })),
      /InvalidDefinition[\s\S]*MaxConcurrency/,
    );
    const { stateMachineArn } = (await aws('create-state-machine', '--name', 'tagged', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--definition', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }))) as { stateMachineArn: string };
    await aws('tag-resource', '--resource-arn', stateMachineArn, '--tags', 'key=team,value=genomics');
    assert.deepEqual((await aws('list-tags-for-resource', '--resource-arn', stateMachineArn)).tags, [{ key: 'team', value: 'genomics' }]);
  });

  it('a distributed Map\'s children: list-executions --map-run-arn, describe-execution, get-execution-history and describe-state-machine-for-execution of a child', async () => {
    const definition = {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemsPath: '$.rows',
          ToleratedFailureCount: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Check',
            States: { Check: { Type: 'Choice', Choices: [{ Variable: '$.id', StringEquals: 'bad', Next: 'Boom' }], Default: 'Done' }, Boom: { Type: 'Fail', Error: 'RowError', Cause: 'row bad' }, Done: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    };
    const { stateMachineArn } = (await aws('create-state-machine', '--name', 'fan', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--definition', JSON.stringify(definition))) as { stateMachineArn: string };
    const { executionArn } = (await aws('start-execution', '--state-machine-arn', stateMachineArn, '--input', JSON.stringify({ rows: [{ id: 'a' }, { id: 'bad' }, { id: 'c' }] }))) as { executionArn: string };
    for (let i = 0; (await aws('describe-execution', '--execution-arn', executionArn)).status === 'RUNNING'; i++) {
      assert.ok(i < 100, 'the execution ends');
      await new Promise((r) => setTimeout(r, 100));
    }
    const { mapRuns } = (await aws('list-map-runs', '--execution-arn', executionArn)) as { mapRuns: Array<{ mapRunArn: string }> };
    const mapRunArn = mapRuns[0].mapRunArn;
    const { executions } = (await aws('list-executions', '--map-run-arn', mapRunArn)) as { executions: Array<Record<string, unknown>> };
    assert.deepEqual(executions.map((e) => e.status).sort(), ['FAILED', 'SUCCEEDED', 'SUCCEEDED']);
    assert.ok(executions.every((e) => e.mapRunArn === mapRunArn && e.itemCount === 1 && String(e.executionArn).startsWith(`${mapRunArn.replace(':mapRun:', ':execution:')}:`)));
    const [failed] = ((await aws('list-executions', '--map-run-arn', mapRunArn, '--status-filter', 'FAILED')) as { executions: Array<{ executionArn: string }> }).executions;
    const d = await aws('describe-execution', '--execution-arn', failed.executionArn);
    assert.deepEqual([d.status, JSON.parse(String(d.input)), d.error, d.cause, d.mapRunArn], ['FAILED', { id: 'bad' }, 'RowError', 'row bad', mapRunArn]);
    const { events } = (await aws('get-execution-history', '--execution-arn', failed.executionArn)) as { events: Array<{ type: string }> };
    assert.deepEqual(events.map((e) => e.type), ['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited', 'FailStateEntered', 'ExecutionFailed']);
    const sm = await aws('describe-state-machine-for-execution', '--execution-arn', failed.executionArn);
    assert.deepEqual([sm.label, sm.mapRunArn, JSON.parse(String(sm.definition)).StartAt], ['Fan', mapRunArn, 'Check']);
    await assert.rejects(aws('stop-execution', '--execution-arn', failed.executionArn), /ValidationException[\s\S]*stop '/);
    await assert.rejects(aws('list-executions', '--map-run-arn', 'not-an-arn'), /InvalidArn/);
  });

  it('redrive-execution: a run that failed on a missing input goes on from that state once the input is there', async () => {
    const s3 = new S3Client({ endpoint: service.endpoint.url, region: service.endpoint.region, credentials: service.endpoint.credentials, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'redrive-inputs' }));
    const definition = {
      StartAt: 'Mint',
      States: {
        Mint: { Type: 'Pass', Parameters: { 'runId.$': 'States.UUID()' }, ResultPath: '$.mint', Next: 'Read' },
        Read: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:s3:getObject', Parameters: { Bucket: 'redrive-inputs', Key: 'input.json' }, ResultSelector: { 'body.$': '$.Body' }, ResultPath: '$.read', End: true },
      },
    };
    const { stateMachineArn } = (await aws('create-state-machine', '--name', 'redrive', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--definition', JSON.stringify(definition))) as { stateMachineArn: string };
    const { executionArn } = (await aws('start-execution', '--state-machine-arn', stateMachineArn, '--input', '{}')) as { executionArn: string };
    const settle = async () => {
      for (let i = 0; ; i++) {
        const d = await aws('describe-execution', '--execution-arn', executionArn);
        if (d.status !== 'RUNNING') return d;
        assert.ok(i < 100, 'the execution ends');
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const failed = await settle();
    assert.deepEqual([failed.status, failed.error, failed.redriveStatus, failed.redriveCount], ['FAILED', 'S3.NoSuchKeyException', 'REDRIVABLE', 0]);
    const firstHistory = (await aws('get-execution-history', '--execution-arn', executionArn)) as { events: Array<Record<string, unknown>> };

    await s3.send(new PutObjectCommand({ Bucket: 'redrive-inputs', Key: 'input.json', Body: '{"rows":3}' }));
    const { redriveDate } = (await aws('redrive-execution', '--execution-arn', executionArn)) as { redriveDate: number };
    assert.ok(typeof redriveDate === 'number' && redriveDate >= Number(failed.stopDate));
    const done = await settle();
    assert.deepEqual([done.status, done.redriveCount, done.redriveDate, done.redriveStatus], ['SUCCEEDED', 1, redriveDate, 'NOT_REDRIVABLE']);
    const output = JSON.parse(String(done.output)) as { mint: { runId: string }; read: { body: string } };
    assert.equal(output.read.body, '{"rows":3}');
    const { events } = (await aws('get-execution-history', '--execution-arn', executionArn)) as { events: Array<Record<string, unknown>> };
    assert.deepEqual(events.slice(0, firstHistory.events.length), firstHistory.events, 'the first attempt\'s events are kept');
    assert.deepEqual(events.slice(firstHistory.events.length).map((e) => e.type), ['ExecutionRedriven', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    const minted = firstHistory.events.find((e) => e.type === 'PassStateExited') as { stateExitedEventDetails: { output: string } };
    assert.equal(output.mint.runId, (JSON.parse(minted.stateExitedEventDetails.output) as { mint: { runId: string } }).mint.runId, 'Mint was not run again');

    const listed = (filter: string) => aws('list-executions', '--state-machine-arn', stateMachineArn, '--redrive-filter', filter) as Promise<{ executions: Array<Record<string, unknown>> }>;
    assert.deepEqual((await listed('REDRIVEN')).executions.map((e) => [e.executionArn, e.redriveCount]), [[executionArn, 1]]);
    assert.deepEqual((await listed('NOT_REDRIVEN')).executions, []);
    await assert.rejects(aws('redrive-execution', '--execution-arn', executionArn), /ExecutionNotRedrivable[\s\S]*SUCCEEDED/);
    await assert.rejects(aws('redrive-execution', '--execution-arn', `${executionArn}-nope`), /ExecutionDoesNotExist/);
    await assert.rejects(aws('redrive-execution', '--execution-arn', 'not-an-arn'), /InvalidArn/);
  });

  it('update-map-run: a running map run takes more children at once; a bad value and an ended run are refused', async () => {
    const definition = { StartAt: 'Slow', States: { Slow: { Type: 'Map', MaxConcurrency: 1, ItemsPath: '$.items', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 60, End: true } } }, End: true } } };
    const { stateMachineArn } = (await aws('create-state-machine', '--name', 'update-map-run', '--role-arn', 'arn:aws:iam::123456789012:role/r', '--definition', JSON.stringify(definition))) as { stateMachineArn: string };
    const { executionArn } = (await aws('start-execution', '--state-machine-arn', stateMachineArn, '--input', JSON.stringify({ items: [1, 2, 3, 4] }))) as { executionArn: string };
    let mapRunArn: string | undefined;
    for (let i = 0; !mapRunArn; i++) {
      assert.ok(i < 100, 'the map run starts');
      mapRunArn = ((await aws('list-map-runs', '--execution-arn', executionArn)) as { mapRuns: Array<{ mapRunArn: string }> }).mapRuns[0]?.mapRunArn;
      if (!mapRunArn) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(await aws('update-map-run', '--map-run-arn', mapRunArn, '--max-concurrency', '3', '--tolerated-failure-percentage', '25.5'), {});
    const d = (await aws('describe-map-run', '--map-run-arn', mapRunArn)) as { maxConcurrency: number; toleratedFailurePercentage: number; executionCounts: { running: number } };
    assert.deepEqual([d.maxConcurrency, d.toleratedFailurePercentage, d.executionCounts.running], [3, 25.5, 3]);
    await assert.rejects(aws('update-map-run', '--map-run-arn', mapRunArn, '--tolerated-failure-percentage', '150'), /ValidationException/);
    await aws('stop-execution', '--execution-arn', executionArn);
    await assert.rejects(aws('update-map-run', '--map-run-arn', mapRunArn, '--max-concurrency', '5'), /ValidationException[\s\S]*ABORTED/);
  });
});
