/**
 * Step Functions calling the emulator's own S3 and SNS, driven by @aws-sdk/client-sfn against a
 * served emulator: a distributed Map reading a CSV from a bucket (ItemReader) and writing its
 * results to a bucket (ResultWriter: manifest.json and SUCCEEDED_0.json read back with
 * @aws-sdk/client-s3), a listObjectsV2 reader, aws-sdk:s3 tasks with S3.NoSuchKeyException caught,
 * and sns:publish reaching an email subscription's outbox file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand, StartSyncExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { LocalService } from '../../../src/emulator/service';
import { dockerForTests } from '../../support/docker';

const ROLE = 'arn:aws:iam::123456789012:role/sfn';

describe('Step Functions with the local S3 and SNS (client-sfn, client-s3)', function () {
  this.timeout(120_000);
  let dir: string;
  let service: LocalService;
  let sfn: SFNClient;
  let s3: S3Client;
  let sns: SNSClient;

  const execute = async (name: string, definition: object, input: object): Promise<DescribeExecutionCommandOutput> => {
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, roleArn: ROLE, definition: JSON.stringify(definition) }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (d.status !== 'RUNNING') return d;
      if (Date.now() > deadline) throw new Error(`the execution ${name} did not end`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const text = async (bucket: string, key: string) => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();

  before(async function () {
    await dockerForTests(this);
    dir = mkdtempSync(path.join(tmpdir(), 'lb-sfn-svc-'));
    service = await LocalService.start({ stateDir: path.join(dir, '.localbatch'), workspaceRoot: dir, log: () => undefined });
    const config = { endpoint: service.endpoint.url, region: service.endpoint.region, credentials: service.endpoint.credentials, maxAttempts: 1 };
    sfn = new SFNClient(config);
    s3 = new S3Client({ ...config, forcePathStyle: true });
    sns = new SNSClient(config);
    await s3.send(new CreateBucketCommand({ Bucket: 'inputs' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'results' }));
    await s3.send(new PutObjectCommand({ Bucket: 'inputs', Key: 'samples/list.csv', Body: 'sample,reads\nA,"10"\nB,20\nC,30\n' }));
  });
  after(async () => {
    sfn?.destroy();
    s3?.destroy();
    sns?.destroy();
    await service?.close({ terminateAll: true, graceMs: 1000 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('StartSyncExecution of an EXPRESS machine answers its end, with the client\'s sync- host prefix off (as the README says)', async () => {
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'quick', type: 'EXPRESS', roleArn: ROLE, definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } } }) }));
    const direct = new SFNClient({ endpoint: service.endpoint.url, region: service.endpoint.region, credentials: service.endpoint.credentials, maxAttempts: 1, disableHostPrefix: true });
    try {
      const out = await direct.send(new StartSyncExecutionCommand({ stateMachineArn, input: '{"n":21}' }));
      assert.equal(out.status, 'SUCCEEDED');
      assert.deepEqual(JSON.parse(out.output!), { doubled: 42 });
    } finally {
      direct.destroy();
    }
  });

  it('a distributed Map reads a CSV from the local S3 and writes its results there (manifest.json, SUCCEEDED_0.json)', async () => {
    const d = await execute(
      'csvmap',
      {
        StartAt: 'Map',
        States: {
          Map: {
            Type: 'Map',
            ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', MaxItems: 2 }, Parameters: { Bucket: 'inputs', 'Key.$': '$.key' } },
            ItemSelector: { 'name.$': '$$.Map.Item.Value.sample', 'reads.$': 'States.StringToJson($$.Map.Item.Value.reads)' },
            ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
            ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'results', Prefix: 'runs' } },
            End: true,
          },
        },
      },
      { key: 'samples/list.csv' },
    );
    assert.equal(d.status, 'SUCCEEDED', `${d.error}: ${d.cause}`);
    const out = JSON.parse(d.output!) as { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
    assert.match(out.MapRunArn, /^arn:aws:states:[^:]+:\d{12}:mapRun:csvmap\/Map:[0-9a-f-]{36}$/);
    const id = out.MapRunArn.split(':').pop()!;
    assert.deepEqual(out.ResultWriterDetails, { Bucket: 'results', Key: `runs/${id}/manifest.json` });
    const manifest = JSON.parse(await text('results', out.ResultWriterDetails.Key)) as { DestinationBucket: string; MapRunArn: string; ResultFiles: Record<string, Array<{ Key: string; Size: number }>> };
    assert.equal(manifest.DestinationBucket, 'results');
    assert.equal(manifest.MapRunArn, out.MapRunArn);
    assert.deepEqual(manifest.ResultFiles.FAILED, []);
    assert.deepEqual(manifest.ResultFiles.PENDING, []);
    assert.equal(manifest.ResultFiles.SUCCEEDED[0].Key, `runs/${id}/SUCCEEDED_0.json`);
    const body = await text('results', `runs/${id}/SUCCEEDED_0.json`);
    assert.equal(manifest.ResultFiles.SUCCEEDED[0].Size, Buffer.byteLength(body));
    const records = JSON.parse(body) as Array<{ Status: string; Input: string; Output: string; ExecutionArn: string }>;
    // MaxItems 2: rows A and B only, each a child execution with its selected input as its output.
    assert.deepEqual(
      records.map((r) => [r.Status, JSON.parse(r.Output)]),
      [
        ['SUCCEEDED', { name: 'A', reads: 10 }],
        ['SUCCEEDED', { name: 'B', reads: 20 }],
      ],
    );
    assert.match(records[0].ExecutionArn, new RegExp(`:execution:csvmap/Map:${id}:`));
  });

  it('a listObjectsV2 ItemReader iterates the bucket entries; aws-sdk:s3 getObject of a missing key fails with S3.NoSuchKeyException (caught)', async () => {
    const d = await execute(
      'listing',
      {
        StartAt: 'Map',
        States: {
          Map: {
            Type: 'Map',
            ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'inputs', Prefix: 'samples/' } },
            ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
            ResultPath: '$.listed',
            Next: 'Get',
          },
          Get: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
            Parameters: { Bucket: 'inputs', Key: 'nope.txt' },
            Catch: [{ ErrorEquals: ['S3.NoSuchKeyException'], ResultPath: '$.error', Next: 'Done' }],
            Next: 'Done',
          },
          Done: { Type: 'Pass', End: true },
        },
      },
      {},
    );
    assert.equal(d.status, 'SUCCEEDED', `${d.error}: ${d.cause}`);
    const out = JSON.parse(d.output!) as { listed: Array<Record<string, unknown>>; error: { Error: string } };
    assert.equal(out.listed.length, 1);
    assert.equal(out.listed[0].Key, 'samples/list.csv');
    assert.equal(out.listed[0].Size, Buffer.byteLength('sample,reads\nA,"10"\nB,20\nC,30\n'));
    assert.match(String(out.listed[0].Etag), /^"[0-9a-f]{32}"$/);
    assert.equal(out.error.Error, 'S3.NoSuchKeyException');
  });

  it('sns:publish reaches the local topic (an email subscriber gets the message in the outbox); a missing topic fails with Sns.NotFoundException (aws-sdk) and SNS.NotFoundException (optimized)', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'pipeline-done' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'ops@example.com' }));
    const d = await execute(
      'notify',
      {
        StartAt: 'Notify',
        States: {
          Notify: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn, Subject: 'done', Message: { 'sample.$': '$.sample', status: 'ok' } }, Next: 'Missing' },
          Missing: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:sns:publish',
            Parameters: { TopicArn: TopicArn!.replace('pipeline-done', 'no-such-topic'), Message: 'x' },
            Catch: [{ ErrorEquals: ['Sns.NotFoundException'], ResultPath: '$.error', Next: 'MissingOptimized' }],
            Next: 'MissingOptimized',
          },
          MissingOptimized: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sns:publish',
            Parameters: { TopicArn: TopicArn!.replace('pipeline-done', 'no-such-topic'), Message: 'x' },
            Catch: [{ ErrorEquals: ['SNS.NotFoundException'], ResultPath: '$.optimizedError', Next: 'End' }],
            Next: 'End',
          },
          End: { Type: 'Pass', End: true },
        },
      },
      { sample: 'A' },
    );
    assert.equal(d.status, 'SUCCEEDED', `${d.error}: ${d.cause}`);
    const out = JSON.parse(d.output!) as { error: { Error: string }; optimizedError: { Error: string } };
    assert.equal(out.error.Error, 'Sns.NotFoundException');
    assert.equal(out.optimizedError.Error, 'SNS.NotFoundException');
    const outbox = path.join(dir, '.localbatch', 'sns', 'outbox');
    const files = readdirSync(outbox).map((f) => readFileSync(path.join(outbox, f), 'utf8'));
    assert.equal(files.length, 1);
    assert.match(files[0], /done/);
    assert.match(files[0], /\{"sample":"A","status":"ok"\}/);
  });

  it('events:putEvents reaches the local EventBridge: a rule on its source forwards it to an SNS email subscriber', async () => {
    const events = new EventBridgeClient({ endpoint: service.endpoint.url, region: service.endpoint.region, credentials: service.endpoint.credentials, maxAttempts: 1 });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'from-rules' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'rules@example.com' }));
    await events.send(new PutRuleCommand({ Name: 'pipeline-events', EventPattern: JSON.stringify({ source: ['my.pipeline'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'pipeline-events', Targets: [{ Id: 't', Arn: TopicArn }] }));
    events.destroy();
    const d = await execute(
      'emit',
      {
        StartAt: 'Emit',
        States: { Emit: { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', Parameters: { Entries: [{ Source: 'my.pipeline', DetailType: 'Stage done', Detail: { 'stage.$': '$.stage' } }] }, End: true } },
      },
      { stage: 'align' },
    );
    assert.equal(d.status, 'SUCCEEDED', `${d.error}: ${d.cause}`);
    const out = JSON.parse(d.output!) as { FailedEntryCount: number; Entries: Array<{ EventId?: string }> };
    assert.equal(out.FailedEntryCount, 0);
    assert.match(String(out.Entries[0].EventId), /\S/);
    const outbox = path.join(dir, '.localbatch', 'sns', 'outbox');
    const deadline = Date.now() + 20_000;
    let mails: string[] = [];
    while (Date.now() < deadline) {
      mails = readdirSync(outbox).map((f) => readFileSync(path.join(outbox, f), 'utf8')).filter((m) => m.includes('rules@example.com'));
      if (mails.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(mails.length, 1, 'the rule delivered the event to the topic');
    assert.match(mails[0], /"stage":\s*"align"/);
  });
});
