import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startConformanceServer, type ConformanceServer } from './batch-conformance-harness';

const EXAMPLES = resolve(__dirname, '../../../examples');

/**
 * Every AWS CLI call in one bash run (each `aws` costs about a second to start): sections start
 * with `=== <name> <exit code>` so the test can pick each call's output.
 */
const SCRIPT = String.raw`
set -u
call() { local name=$1; shift; local out; out=$(aws --profile localbatch --endpoint-url "$ENDPOINT" --output json batch "$@" 2>&1); echo "=== $name $?"; echo "$out"; }
call register register-job-definition --cli-input-json "file://$EXAMPLES/job-definitions/preprocess.jobdef.json"
call ce create-compute-environment --cli-input-json "file://$EXAMPLES/compute-environments/render-fargate.computeenv.json"
call queue create-job-queue --cli-input-json "file://$EXAMPLES/queues/render.jobqueue.json"
call offce create-compute-environment --compute-environment-name off --type UNMANAGED --state DISABLED
call hold create-job-queue --job-queue-name hold --priority 1 --compute-environment-order order=1,computeEnvironment=off
A=$(aws --profile localbatch --endpoint-url "$ENDPOINT" batch submit-job --job-name cli-a --job-queue hold --job-definition montecarlo-preprocess --query jobId --output text)
B=$(aws --profile localbatch --endpoint-url "$ENDPOINT" batch submit-job --job-name cli-b --job-queue hold --job-definition montecarlo-preprocess:1 --tags team=cli --query jobId --output text)
echo "=== ids 0"; echo "$A $B"
call describe describe-jobs --jobs "$A" "$B"
call list list-jobs --job-queue hold --filters name=JOB_NAME,values=CLI* --max-items 10
call liststatus list-jobs --job-queue hold --job-status RUNNABLE --page-size 1
call describece describe-compute-environments --compute-environments render-fargate
call tag tag-resource --resource-arn "arn:aws:batch:us-east-1:123456789012:job/$B" --tags env=local
call tags list-tags-for-resource --resource-arn "arn:aws:batch:us-east-1:123456789012:job/$B"
call cancel cancel-job --job-id "$A" --reason "cli cancel"
call terminate terminate-job --job-id "$B" --reason "cli terminate"
call after describe-jobs --jobs "$A" "$B"
call badlist list-jobs
call badsubmit submit-job --job-name x --job-queue nope --job-definition montecarlo-preprocess
call noservicejob describe-service-job --job-id nope
`;

function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('bash', ['-c', script], { env, encoding: 'utf8', timeout: 110_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('Batch conformance through the AWS CLI (integration)', () => {
  let s: ConformanceServer;
  const sections = new Map<string, { code: number; text: string }>();
  const json = (name: string): Record<string, unknown> => {
    const sec = sections.get(name);
    assert.ok(sec, `no output for ${name}`);
    assert.equal(sec.code, 0, `${name} failed: ${sec.text}`);
    return JSON.parse(sec.text) as Record<string, unknown>;
  };

  before(async function () {
    this.timeout(120_000);
    s = await startConformanceServer();
    const env = { PATH: process.env.PATH, HOME: s.stateDir, AWS_SHARED_CREDENTIALS_FILE: s.credentialsFile, AWS_CONFIG_FILE: join(s.stateDir, 'no-config'), ENDPOINT: s.server.url, EXAMPLES };
    const r = await bash(SCRIPT, env);
    let current: { code: number; lines: string[] } | undefined;
    let name = '';
    for (const line of r.stdout.split('\n')) {
      const m = /^=== (\S+) (\d+)$/.exec(line);
      if (m) {
        if (current) sections.set(name, { code: current.code, text: current.lines.join('\n') });
        name = m[1];
        current = { code: Number(m[2]), lines: [] };
      } else current?.lines.push(line);
    }
    if (current) sections.set(name, { code: current.code, text: current.lines.join('\n') });
  });
  after(async () => s.close());

  it('registers a job definition from an examples file (--cli-input-json)', () => {
    assert.deepEqual(json('register'), { jobDefinitionName: 'montecarlo-preprocess', jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/montecarlo-preprocess:1', revision: 1 });
  });

  it('creates compute environments and queues from files and flags, and describes them', () => {
    assert.equal(json('ce').computeEnvironmentArn, 'arn:aws:batch:us-east-1:123456789012:compute-environment/render-fargate');
    assert.equal(json('queue').jobQueueArn, 'arn:aws:batch:us-east-1:123456789012:job-queue/render');
    assert.equal(json('hold').jobQueueName, 'hold');
    const [ce] = json('describece').computeEnvironments as Array<Record<string, unknown>>;
    assert.equal(ce.status, 'VALID');
    assert.deepEqual(ce.tags, { project: 'montecarlo' });
  });

  it('submits, describes, lists with --filters and pages, tags, cancels and terminates', () => {
    const [a, b] = sections.get('ids')!.text.trim().split(' ');
    assert.match(a, /^[0-9a-f-]{36}$/);
    const described = json('describe').jobs as Array<Record<string, unknown>>;
    assert.deepEqual(described.map((j) => j.jobId), [a, b]);
    assert.deepEqual(described[0].parameters, { seed: '42', samples: '8000' });
    const listed = json('list').jobSummaryList as Array<Record<string, unknown>>;
    assert.deepEqual(listed.map((j) => j.jobName), ['cli-b', 'cli-a']);
    assert.equal((json('liststatus').jobSummaryList as unknown[]).length, 2);
    assert.deepEqual(json('tags').tags, { team: 'cli', env: 'local' });
    assert.equal(sections.get('cancel')!.code, 0);
    assert.equal(sections.get('terminate')!.code, 0);
    const after = json('after').jobs as Array<Record<string, unknown>>;
    assert.deepEqual(after.map((j) => [j.status, j.statusReason]), [['FAILED', 'cli cancel'], ['FAILED', 'cli terminate']]);
  });

  it('prints AWS-style ClientException errors with a non-zero exit', () => {
    for (const [name, pattern] of [
      ['badlist', /ClientException.*Exactly one of jobQueue, arrayJobId or multiNodeJobId/],
      ['badsubmit', /ClientException.*Job queue nope does not exist/],
      ['noservicejob', /ClientException.*Job nope does not exist/],
    ] as const) {
      const sec = sections.get(name)!;
      assert.notEqual(sec.code, 0, name);
      assert.match(sec.text, pattern);
    }
  });
});
