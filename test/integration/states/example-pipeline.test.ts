/**
 * examples/stepfunctions run offline with `localbatch run` against a `localbatch serve` on real
 * Docker: preprocess, a Map over the samples on the Spot queue where the failed Spot attempt of
 * sample b is resubmitted on the on-demand queue (Catch), aggregate, and a report job still RUNNABLE
 * after the deadline is cancelled (aws-sdk:batch:describeJobs / cancelJob) and an alert published
 * to the local SNS (sns:publish), which reaches an email-json subscriber's outbox.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { DescribeJobsCommand, BatchClient, ListJobsCommand } from '@aws-sdk/client-batch';
import type Docker from 'dockerode';
import { dockerForTests } from '../../support/docker';
import { killServe, runCli, startServe, type ServeChild } from '../../support/serve-process';

const ROOT = path.resolve(__dirname, '../../..');

describe('examples/stepfunctions (integration)', function () {
  this.timeout(300_000);
  let docker: Docker;
  let dir: string;
  let serve: ServeChild & { endpoint: { url: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } };

  before(async function () {
    docker = await dockerForTests(this);
    dir = mkdtempSync(path.join(tmpdir(), 'lb-sfn-example-'));
    cpSync(path.join(ROOT, 'examples', 'stepfunctions'), dir, { recursive: true });
    serve = await startServe(['--port', '0'], dir, path.join(dir, '.localbatch'));
  });
  after(async () => {
    if (serve) await killServe(serve);
    const left = await docker.listContainers({ all: true, filters: { label: ['dev.localbatch.managed=true', `dev.localbatch.state-dir=${path.join(dir, '.localbatch')}`] } });
    for (const c of left) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs to SUCCEEDED: Spot failure resubmitted on demand, the late report cancelled and notified', async () => {
    const config = { endpoint: serve.endpoint.url, region: serve.endpoint.region, credentials: serve.endpoint.credentials };
    const sns = new SNSClient(config);
    const topic = await sns.send(new CreateTopicCommand({ Name: 'pipeline-alerts' }));
    assert.equal(topic.TopicArn, 'arn:aws:sns:us-east-1:000000000000:pipeline-alerts');
    await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'email-json', Endpoint: 'ops@example.com' }));
    sns.destroy();

    const r = await runCli(['run', 'pipeline.asl.json', '--input', '@input.json'], dir, 280_000);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /Emulator: localbatch serve at/);
    // Its image is built first from localbatch.yaml's images: (state machine runs build them too).
    assert.match(r.output, /Building image localbatch-example-step:latest from image…/);
    assert.match(r.output, /OnDemand entered \(Task\)/);
    assert.equal(r.output.match(/submitted job process-ondemand/g)?.length, 1, 'only sample b is resubmitted');
    assert.equal(r.output.match(/submitted job process-spot/g)?.length, 3);
    assert.match(r.output, /submitted job report \(/, 'the request-response submitJob names its job too');
    assert.match(r.output, /CancelReport entered/);
    assert.match(r.output, /Notify entered/);
    assert.match(r.output, /Execution SUCCEEDED/);

    const batch = new BatchClient(config);
    const listed = await batch.send(new ListJobsCommand({ jobQueue: 'reserved', jobStatus: 'FAILED' }));
    const report = listed.jobSummaryList?.find((j) => j.jobName === 'report');
    assert.ok(report, 'the report job was cancelled');
    const [detail] = (await batch.send(new DescribeJobsCommand({ jobs: [report.jobId!] }))).jobs ?? [];
    assert.equal(detail.statusReason, 'Not RUNNING by the deadline');
    batch.destroy();

    const outbox = path.join(dir, '.localbatch', 'sns', 'outbox');
    const mails = readdirSync(outbox).map((f) => readFileSync(path.join(outbox, f), 'utf8'));
    assert.ok(mails.some((m) => m.includes(`The report job ${report.jobId} was still RUNNABLE after 3 seconds and was cancelled.`)), mails.join('\n---\n'));
  });

  it('an image that does not build stops the run with the build error, and the command exits (its own emulator closed)', async () => {
    const own = mkdtempSync(path.join(tmpdir(), 'lb-sfn-badimage-'));
    try {
      cpSync(path.join(ROOT, 'examples', 'stepfunctions'), own, { recursive: true });
      writeFileSync(path.join(own, 'image', 'Dockerfile'), 'FROM busybox:latest\nRUN echo the build breaks here && false\n');
      const r = await runCli(['run', 'pipeline.asl.json', '--input', '@input.json'], own, 120_000);
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, /the build breaks here|returned a non-zero code/);
      assert.doesNotMatch(r.output, /Execution (SUCCEEDED|FAILED)/);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
