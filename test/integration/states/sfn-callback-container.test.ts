/**
 * The callback pattern as AWS offers it for Batch (the SDK integration's .waitForTaskToken): the
 * state machine passes $$.Task.Token into a job, and the job's own code, the AWS SDK for JavaScript
 * with its default credential chain and endpoint from the environment, answers it with
 * SendTaskHeartbeat and SendTaskSuccess from inside its container (real Docker).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import { CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { clientsFor } from '../../../src/cli/run/session';
import { LocalService } from '../../../src/emulator/service';
import { ensureProbeImage } from '../../support/aws-probe-image';
import { dockerForTests } from '../../support/docker';

describe('Step Functions task token answered from inside a job container (integration)', function () {
  this.timeout(240_000);
  let dir: string;
  let service: LocalService | undefined;

  before(async function () {
    const docker = await dockerForTests(this);
    const probe = await ensureProbeImage(docker);
    dir = mkdtempSync(path.join(tmpdir(), 'lb-sfn-cb-'));
    service = await LocalService.start({ stateDir: path.join(dir, '.localbatch'), workspaceRoot: dir, log: () => undefined });
    const { batch } = clientsFor(service.endpoint);
    await batch.send(new RegisterJobDefinitionCommand({
      jobDefinitionName: 'answer',
      type: 'container',
      containerProperties: { image: probe, jobRoleArn: 'arn:aws:iam::123456789012:role/worker', command: ['task-success', '{"rows":42}'], resourceRequirements: [{ type: 'VCPU', value: '0.5' }, { type: 'MEMORY', value: '128' }] },
    }));
    batch.destroy();
  });
  after(async () => {
    await service?.close({ terminateAll: true, graceMs: 5000 });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ends the waiting Task with the output the job sent, after its heartbeat', async () => {
    const sfn = new SFNClient({ endpoint: service!.endpoint.url, region: service!.endpoint.region, credentials: service!.endpoint.credentials, maxAttempts: 1 });
    try {
      const definition = {
        StartAt: 'Count',
        States: {
          Count: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:batch:submitJob.waitForTaskToken',
            HeartbeatSeconds: 60,
            Parameters: { JobName: 'count', JobQueue: 'local', JobDefinition: 'answer', ContainerOverrides: { Environment: [{ Name: 'TASK_TOKEN', 'Value.$': '$$.Task.Token' }] } },
            ResultPath: '$.counted',
            End: true,
          },
        },
      };
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'callback', roleArn: 'arn:aws:iam::123456789012:role/sfn', definition: JSON.stringify(definition) }));
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"file":"in.csv"}' }));
      let d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      const end = Date.now() + 180_000;
      while (d.status === 'RUNNING' && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 250));
        d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      }
      if (d.status !== 'SUCCEEDED') {
        const jobs = [...service!.host.engine.listJobs({ jobQueue: 'local', jobStatus: 'SUCCEEDED' }), ...service!.host.engine.listJobs({ jobQueue: 'local', jobStatus: 'FAILED' })];
        const logs = jobs.map((j) => service!.host.engine.describeJobs([j.jobId!])[0]).map((j) => `${j.jobName} ${j.status} ${j.statusReason}: ${service!.host.logs.events(j.container?.logStreamName ?? '').map((e) => e.message).join(' | ')}`);
        assert.fail(`the execution ${d.status} (${d.error}: ${d.cause}); the job: ${logs.join('; ')}`);
      }
      assert.deepEqual(JSON.parse(d.output!), { file: 'in.csv', counted: { rows: 42 } });
      const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      const types = events.map((e) => e.type);
      assert.ok(types.includes('TaskStarted') && types.includes('TaskSucceeded'), types.join(', '));
      assert.deepEqual(JSON.parse(events.find((e) => e.type === 'TaskSucceeded')!.taskSucceededEventDetails!.output!), { rows: 42 }, 'the output is the one the job sent');
    } finally {
      sfn.destroy();
    }
  });
});
