/**
 * A delivery EventBridge is retrying survives a SIGKILL of `localbatch serve` (real processes): a
 * rule's target is a state machine that does not exist yet, so the accepted event's delivery fails
 * and waits for its retry; the server is killed, started again, the state machine is created, and
 * the retry (taken back from the journal) starts its execution with the event. Without the journal
 * of waiting retries the event is lost and no execution ever starts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { killServe, startServe } from '../../support/serve-process';

const config = (e: EmulatorEndpoint) => ({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });

describe('EventBridge retries across a SIGKILL of the server (integration)', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-events-retry-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers an accepted event after the restart, once its target exists', async () => {
    const stateDir = path.join(dir, '.localbatch');
    const first = await startServe(['--runtime', 'scripted'], dir, stateDir);
    const machineArn = `arn:aws:states:${first.endpoint.region}:000000000000:stateMachine:later`;
    const events = new EventBridgeClient(config(first.endpoint));
    await events.send(new PutRuleCommand({ Name: 'to-later', EventPattern: JSON.stringify({ source: ['app'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'to-later', Targets: [{ Id: 'sm', Arn: machineArn, RoleArn: 'arn:aws:iam::000000000000:role/r' }] }));
    const put = await events.send(new PutEventsCommand({ Entries: [{ Source: 'app', DetailType: 'order', Detail: JSON.stringify({ order: 42 }) }] }));
    assert.equal(put.FailedEntryCount, 0);
    events.destroy();
    await killServe(first);

    const second = await startServe(['--runtime', 'scripted'], dir, stateDir);
    const sfn = new SFNClient(config(second.endpoint));
    try {
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'later', roleArn: 'arn:aws:iam::000000000000:role/r', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }) }));
      assert.equal(stateMachineArn, machineArn, 'the target ARN names this state machine');
      let executions: string[] = [];
      for (let i = 0; i < 150 && executions.length === 0; i++) {
        executions = ((await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? []).map((e) => e.executionArn!);
        if (executions.length === 0) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(executions.length, 1, 'the retried delivery started one execution');
      const input = JSON.parse((await sfn.send(new DescribeExecutionCommand({ executionArn: executions[0] }))).input!) as { source: string; detail: unknown };
      assert.deepEqual([input.source, input.detail], ['app', { order: 42 }]);
    } finally {
      sfn.destroy();
      await killServe(second);
    }
  });
});
