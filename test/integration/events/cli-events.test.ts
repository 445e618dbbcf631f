/** `localbatch events list` and `localbatch events fire` against a real `localbatch serve` (scripted runtime). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchLogsClient, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { runCli, startServe, type ServeChild } from '../../support/serve-process';

describe('localbatch events list / fire (integration)', function () {
  this.timeout(180_000);
  let dir: string;
  let stateDir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-cli-events-'));
    stateDir = path.join(dir, 'state');
    serve = await startServe(['--runtime', 'scripted', '--port', '0'], dir, stateDir);
  });
  after(async () => {
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists rules and schedules with their next firing, and fires a rule now', async () => {
    const e = serve!.endpoint;
    const common = { endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 };
    const events = new EventBridgeClient(common);
    const group = `arn:aws:logs:${e.region}:000000000000:log-group:/aws/events/nightly`;
    await events.send(new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'cron(0 3 * * ? 2099)' }));
    await events.send(new PutTargetsCommand({ Rule: 'nightly', Targets: [{ Id: 'log', Arn: group }] }));
    await new SchedulerClient(common).send(new CreateScheduleCommand({ Name: 'hourly', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob', RoleArn: 'arn:aws:iam::000000000000:role/r' } }));
    const list = await runCli(['events', 'list', '--state-dir', stateDir], dir);
    assert.equal(list.code, 0, list.output);
    assert.match(list.output, /nightly {2}ENABLED {2}cron\(0 3 \* \* \? 2099\), next 2099-01-01T03:00:00.000Z/);
    assert.match(list.output, /hourly {2}ENABLED {2}rate\(1 hour\), next \d{4}-/);
    const fire = await runCli(['events', 'fire', 'nightly', '--state-dir', stateDir], dir);
    assert.equal(fire.code, 0, fire.output);
    const logs = new CloudWatchLogsClient(common);
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/events/nightly' }));
    assert.equal(streams.logStreams?.length, 1);
    const after = await runCli(['events', 'list', '--state-dir', stateDir], dir);
    assert.match(after.output, /last: \S+ delivered/);
    const missing = await runCli(['events', 'fire', 'nope', '--state-dir', stateDir], dir);
    assert.equal(missing.code, 1);
    assert.match(missing.output, /No rule or schedule is named nope/);
  });
});
