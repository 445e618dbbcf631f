/**
 * A job writes to CloudWatch Logs with the AWS SDK and no settings, on real Docker: the probe image
 * (the real SDK, its default credential chain and AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) creates a log
 * group and stream, puts an event and reads it back; the emulator's Logs API then serves that
 * event to a client on this machine, and a job without a role gets no credentials for it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type Docker from 'dockerode';
import { LocalService } from '../../src/emulator/service';
import { ensureProbeImage } from '../support/aws-probe-image';
import { dockerForTests } from '../support/docker';
import { runJobToEnd } from '../support/service-job';

describe('CloudWatch Logs from inside a job container (integration)', function () {
  this.timeout(240_000);
  let docker: Docker;
  let probe: string;
  let workspace: string;
  let service: LocalService;

  before(async function () {
    docker = await dockerForTests(this);
    probe = await ensureProbeImage(docker);
    workspace = mkdtempSync(path.join(os.tmpdir(), 'lb-logsjob-'));
    service = await LocalService.start({ stateDir: path.join(workspace, '.localbatch'), workspaceRoot: workspace, log: () => undefined });
  });

  after(async () => {
    await service?.close({ terminateAll: true, graceMs: 5000 });
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  const run = (container: Record<string, unknown>) => runJobToEnd(service, container);

  it('a job with a role creates a group and a stream and puts an event; a client here reads it', async () => {
    const { d, out } = await run({ image: probe, jobRoleArn: 'arn:aws:iam::123456789012:role/worker', command: ['logs', '/app/pricing', 'worker-1', 'priced 1000 paths'] });
    assert.equal(d.status, 'SUCCEEDED', out);
    assert.match(out, /LOGGED priced 1000 paths$/m);
    const e = service.endpoint;
    const logs = new CloudWatchLogsClient({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });
    try {
      const got = await logs.send(new GetLogEventsCommand({ logGroupName: '/app/pricing', logStreamName: 'worker-1', startFromHead: true }));
      assert.deepEqual(got.events?.map((ev) => ev.message), ['priced 1000 paths']);
    } finally {
      logs.destroy();
    }
  });

  it('a job without a role gets no credentials, so its SDK call fails and writes nothing', async () => {
    const { d, out } = await run({ image: probe, command: ['logs', '/app/norole', 's', 'never'] });
    assert.equal(d.status, 'FAILED', out);
    // No role: no credentials (the Region is there, as ECS sets it in every task).
    assert.match(out, /PROBE FAILED \w+: .*credential/i);
    assert.equal(service.host.logs.hasGroup('/app/norole'), false);
  });
});
