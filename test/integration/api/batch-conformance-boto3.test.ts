import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startConformanceServer, type ConformanceServer } from './batch-conformance-harness';

/** One python process for every call (python starts slowly here); it prints one JSON object of results. */
const SCRIPT = String.raw`
import json, os, sys, time
import boto3
from botocore.exceptions import ClientError

b = boto3.session.Session(profile_name='localbatch').client('batch', endpoint_url=os.environ['ENDPOINT'])
out = {}
def err(fn, **kw):
    try:
        fn(**kw)
        return None
    except ClientError as e:
        return [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]

cp = {'image': 'busybox', 'command': ['sh', '-c', 'echo hi'], 'resourceRequirements': [{'type': 'VCPU', 'value': '1'}, {'type': 'MEMORY', 'value': '64'}]}
out['register'] = [b.register_job_definition(jobDefinitionName='py', type='container', containerProperties=cp)['revision'] for _ in range(3)]
pages = b.get_paginator('describe_job_definitions').paginate(jobDefinitionName='py', PaginationConfig={'PageSize': 2})
out['defPages'] = [len(p['jobDefinitions']) for p in pages]
b.create_compute_environment(computeEnvironmentName='off', type='UNMANAGED', state='DISABLED')
q = b.create_job_queue(jobQueueName='hold', priority=1, computeEnvironmentOrder=[{'order': 1, 'computeEnvironment': 'off'}], tags={'q': '1'})
out['queueArn'] = q['jobQueueArn']
out['queues'] = sorted(x['jobQueueName'] + ':' + x['status'] for p in b.get_paginator('describe_job_queues').paginate(PaginationConfig={'PageSize': 1}) for x in p['jobQueues'])
ids = [b.submit_job(jobName='py-%d' % i, jobQueue='hold', jobDefinition='py')['jobId'] for i in range(12)]
for _ in range(200):
    if len(b.list_jobs(jobQueue='hold', jobStatus='RUNNABLE')['jobSummaryList']) == 12: break
    time.sleep(0.02)
runnable = b.get_paginator('list_jobs').paginate(jobQueue='hold', jobStatus='RUNNABLE', PaginationConfig={'PageSize': 5})
out['listPages'] = [len(p['jobSummaryList']) for p in runnable]
named = b.get_paginator('list_jobs').paginate(jobQueue='hold', filters=[{'name': 'JOB_NAME', 'values': ['PY-1*']}], PaginationConfig={'PageSize': 2})
out['named'] = [j['jobName'] for p in named for j in p['jobSummaryList']]
out['described'] = [j['jobName'] + ':' + j['status'] for j in b.describe_jobs(jobs=ids[:2])['jobs']]
b.cancel_job(jobId=ids[0], reason='py cancel')
done = b.submit_job(jobName='runs', jobQueue='local', jobDefinition='py:2')['jobId']
for _ in range(300):
    status = b.describe_jobs(jobs=[done, ids[0]])['jobs']
    if [j['status'] for j in status] == ['SUCCEEDED', 'FAILED']: break
    time.sleep(0.02)
out['final'] = [j['status'] + ':' + j.get('statusReason', '') for j in status]
b.terminate_job(jobId=ids[1], reason='py terminate')
b.tag_resource(resourceArn=q['jobQueueArn'], tags={'env': 'py'})
b.untag_resource(resourceArn=q['jobQueueArn'], tagKeys=['q'])
out['tags'] = b.list_tags_for_resource(resourceArn=q['jobQueueArn'])['tags']
pol = b.create_scheduling_policy(name='pyfair', fairsharePolicy={'shareDecaySeconds': 60})
out['policies'] = [p['arn'] for p in b.list_scheduling_policies()['schedulingPolicies']]
out['errors'] = {
    'listNone': err(b.list_jobs),
    'describe101': err(b.describe_jobs, jobs=['x'] * 101),
    'badQueue': err(b.submit_job, jobName='x', jobQueue='nope', jobDefinition='py'),
    'twoFilters': err(b.list_jobs, jobQueue='hold', filters=[{'name': 'JOB_NAME', 'values': ['a']}, {'name': 'JOB_NAME', 'values': ['b']}]),
    'tagGhost': err(b.list_tags_for_resource, resourceArn=pol['arn'] + 'x'),
    'noServiceJob': err(b.describe_service_job, jobId='nope'),
}
print(json.dumps(out))
`;

function runPython(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('python3', [file], { env, encoding: 'utf8', timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('Batch conformance through boto3 (integration)', () => {
  let s: ConformanceServer;
  let out: Record<string, unknown>;
  before(async function () {
    this.timeout(120_000);
    s = await startConformanceServer();
    const file = join(s.stateDir, 'conformance.py');
    writeFileSync(file, SCRIPT);
    const env = { PATH: process.env.PATH, HOME: s.stateDir, AWS_SHARED_CREDENTIALS_FILE: s.credentialsFile, AWS_CONFIG_FILE: join(s.stateDir, 'no-config'), ENDPOINT: s.server.url };
    const r = await runPython(file, env);
    assert.equal(r.code, 0, r.stderr);
    out = JSON.parse(r.stdout) as Record<string, unknown>;
  });
  after(async () => s.close());

  it('registers revisions and pages DescribeJobDefinitions', () => {
    assert.deepEqual(out.register, [1, 2, 3]);
    assert.deepEqual(out.defPages, [2, 1]);
  });

  it('creates a compute environment and queue, pages DescribeJobQueues', () => {
    assert.equal(out.queueArn, 'arn:aws:batch:us-east-1:123456789012:job-queue/hold');
    assert.deepEqual(out.queues, ['hold:VALID', 'local:VALID']);
  });

  it('submits, pages ListJobs by status and with a filter, describes, cancels, runs to SUCCEEDED', () => {
    assert.deepEqual(out.listPages, [5, 5, 2]);
    assert.deepEqual(out.named, ['py-11', 'py-10', 'py-1']);
    assert.deepEqual(out.described, ['py-0:RUNNABLE', 'py-1:RUNNABLE']);
    assert.deepEqual(out.final, ['SUCCEEDED:Essential container in task exited', 'FAILED:py cancel']);
  });

  it('tags a queue and lists scheduling policies', () => {
    assert.deepEqual(out.tags, { env: 'py' });
    assert.deepEqual(out.policies, ['arn:aws:batch:us-east-1:123456789012:scheduling-policy/pyfair']);
  });

  it('maps each error to ClientException 400 with its message', () => {
    const errors = out.errors as Record<string, [string, string, number]>;
    for (const [name, e] of Object.entries(errors)) {
      assert.ok(e, `${name} should have failed`);
      assert.equal(e[0], 'ClientException', name);
      assert.equal(e[2], 400, name);
    }
    assert.match(errors.listNone[1], /Exactly one of jobQueue/);
    assert.match(errors.describe101[1], /at most 100/);
    assert.match(errors.badQueue[1], /Job queue nope does not exist/);
    assert.match(errors.twoFilters[1], /Only one filter/);
    assert.match(errors.tagGhost[1], /does not exist/);
    assert.match(errors.noServiceJob[1], /Job nope does not exist/);
  });
});
