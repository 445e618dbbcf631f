import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { ClientException } from '../../../src/emulator/edge/errors';
import { ROUTES, SDK_ONLY_OPERATIONS } from '../../../src/emulator/batch/api/routes';
import { startHarness, type ApiHarness } from '../../support/api-harness';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a child process asynchronously (the server lives in this process) with a deadline. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const STREAM = 'jd/default/abc123';

describe('Batch and Logs through the AWS CLI and boto3 (integration)', () => {
  let h: ApiHarness;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    h = await startHarness({
      DescribeJobQueues: () => ({ jobQueues: [{ jobQueueName: 'local', state: 'ENABLED', status: 'VALID' }] }),
      SubmitJob: () => {
        throw new ClientException('jobQueue nope does not exist');
      },
      UntagResource: () => ({}),
    });
    h.logStore.append(STREAM, [
      { timestamp: 1000, message: 'hello' },
      { timestamp: 2000, message: 'world' },
    ]);
    // Only the generated credentials file: no user config, no region from the environment.
    env = { PATH: process.env.PATH, HOME: h.stateDir, AWS_SHARED_CREDENTIALS_FILE: h.credentialsFile, AWS_CONFIG_FILE: `${h.stateDir}/no-config` };
  });
  after(async () => h.close());

  const aws = (...args: string[]) => run('aws', ['--profile', 'localbatch', '--endpoint-url', h.server.url, '--output', 'json', ...args], env);

  it('aws batch describe-job-queues with the generated credentials file', async () => {
    const out = await aws('batch', 'describe-job-queues');
    assert.equal(out.code, 0, out.stderr);
    assert.equal(JSON.parse(out.stdout).jobQueues[0].jobQueueName, 'local');
  });

  it('aws batch shows a ClientException with its message', async () => {
    const out = await aws('batch', 'submit-job', '--job-name', 'x', '--job-queue', 'nope', '--job-definition', 'd');
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /\(ClientException\).*SubmitJob.*jobQueue nope does not exist/);
  });

  it('aws batch untag-resource sends the ARN in the path and tagKeys in the query', async () => {
    const arn = 'arn:aws:batch:us-east-1:123456789012:job-queue/local';
    const out = await aws('batch', 'untag-resource', '--resource-arn', arn, '--tag-keys', 'a', 'b c');
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(h.calls.at(-1), { operation: 'UntagResource', input: { resourceArn: arn, tagKeys: ['a', 'b c'] } });
  });

  it('aws logs get-log-events and filter-log-events', async () => {
    const out = await aws('logs', 'get-log-events', '--log-group-name', '/aws/batch/job', '--log-stream-name', STREAM, '--start-from-head');
    assert.equal(out.code, 0, out.stderr);
    const page = JSON.parse(out.stdout);
    assert.deepEqual(page.events.map((e: { message: string }) => e.message), ['hello', 'world']);
    assert.match(page.nextForwardToken, /^f\//);
    const filtered = await aws('logs', 'filter-log-events', '--log-group-name', '/aws/batch/job', '--filter-pattern', 'wor');
    assert.equal(filtered.code, 0, filtered.stderr);
    assert.deepEqual(JSON.parse(filtered.stdout).events.map((e: { message: string }) => e.message), ['world']);
    const missing = await aws('logs', 'get-log-events', '--log-group-name', '/aws/other', '--log-stream-name', STREAM);
    assert.match(missing.stderr, /ResourceNotFoundException/);
  });

  it('aws refuses with a wrong secret (403 InvalidSignatureException)', async () => {
    const out = await run('aws', ['--endpoint-url', h.server.url, '--region', 'us-east-1', 'batch', 'describe-job-queues'], {
      ...env,
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_ACCESS_KEY_ID: h.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: 'wrong-secret-wrong-secret-wrong-secret-00',
    });
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /InvalidSignatureException/);
  });

  it('boto3: Batch call, ClientException and GetLogEvents', async () => {
    const script = `
import boto3, json, sys
from botocore.exceptions import ClientError
s = boto3.Session(profile_name='localbatch')
url = sys.argv[1]
b = s.client('batch', endpoint_url=url)
out = {'queues': b.describe_job_queues()['jobQueues']}
try:
    b.submit_job(jobName='x', jobQueue='nope', jobDefinition='d')
except ClientError as e:
    out['error'] = [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]
l = s.client('logs', endpoint_url=url)
out['events'] = [e['message'] for e in l.get_log_events(logGroupName='/aws/batch/job', logStreamName=sys.argv[2], startFromHead=True)['events']]
print(json.dumps(out))
`;
    const out = await run('python3', ['-c', script, h.server.url, STREAM], env);
    assert.equal(out.code, 0, out.stderr);
    const parsed = JSON.parse(out.stdout);
    assert.equal(parsed.queues[0].jobQueueName, 'local');
    assert.deepEqual(parsed.error, ['ClientException', 'jobQueue nope does not exist', 400]);
    assert.deepEqual(parsed.events, ['hello', 'world']);
  });

  it('the route table matches botocore\'s Batch service model', async () => {
    const script = `
import botocore.loaders as L, json
m = L.create_loader().load_service_model('batch', 'service-2')
print(json.dumps(sorted([n, o['http']['method'], o['http']['requestUri']] for n, o in m['operations'].items())))
`;
    const out = await run('python3', ['-c', script], env);
    assert.equal(out.code, 0, out.stderr);
    const sdkOnly: readonly string[] = SDK_ONLY_OPERATIONS;
    const ours = ROUTES.filter((r) => !sdkOnly.includes(r.operation)).map((r) => [r.operation, r.method, r.requestUri]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    assert.deepEqual(ours, JSON.parse(out.stdout));
  });
});
