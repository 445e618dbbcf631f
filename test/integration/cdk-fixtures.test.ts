/**
 * The committed CDK fixtures (test/fixtures/cdk/<app>/cdk.out) against what they stand for:
 * - fresh: each app synthesized again now (aws-cdk-lib in-process, offline, scripts/synth-cdk-fixtures.ts)
 *   gives byte for byte the committed cdk.out (run `npm run fixtures:cdk` after changing an app or aws-cdk-lib);
 * - the built `localbatch validate` is clean on them;
 * - the API requests localbatch reads from them are valid RegisterJobDefinition / CreateJobQueue /
 *   CreateComputeEnvironment input by botocore's own model and validator (an independent oracle);
 * - the fromAsset job definition runs from the committed cdk.out on real Docker: built, SUCCEEDED, its output;
 *   so does a state machine added to the stack whose Batch Task submits it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, ListJobsCommand, type JobDetail, type JobSummary } from '@aws-sdk/client-batch';
import type Docker from 'dockerode';
import { FIXTURES_DIR, fixtureApps, readTree, synthFixture } from '../../scripts/synth-cdk-fixtures';
import { indexAndValidate } from '../../src/model/validation';
import { dockerForTests, ensureTestImage } from '../support/docker';
import { killServe, runCli, startServe } from '../support/serve-process';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'localbatch.js');

function cli(cwd: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** botocore's parameter validation of `requests` (operation name → inputs): the problems, one per line. */
function botocoreProblems(requests: Record<string, unknown[]>): string {
  const script = [
    'import json, sys, botocore.session',
    'from botocore.validate import ParamValidator',
    "model = botocore.session.get_session().get_service_model('batch')",
    'out = []',
    'for op, inputs in json.load(sys.stdin).items():',
    '    shape = model.operation_model(op).input_shape',
    '    for params in inputs:',
    '        report = ParamValidator().validate(params, shape)',
    "        if report.has_errors(): out.append(op + ': ' + report.generate_report())",
    "print('\\n'.join(out))",
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(requests), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe('CDK fixtures: fresh, valid, and runnable (integration)', function () {
  this.timeout(300_000);
  const temps: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };
  before(() => {
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });
  after(() => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  it('the committed cdk.out of every fixture app is what synthesizing it now gives', () => {
    const apps = fixtureApps();
    assert.deepEqual(apps, ['batch-app', 'pipeline-app']);
    for (const app of apps) {
      const fresh = path.join(tempDir('lb-cdk-fixture-'), 'cdk.out');
      synthFixture(app, fresh);
      const want = readTree(fresh);
      const have = readTree(path.join(FIXTURES_DIR, app, 'cdk.out'));
      const differ = [...new Set([...want.keys(), ...have.keys()])].filter((f) => !want.get(f)?.equals(have.get(f) ?? Buffer.alloc(0)) || !have.has(f));
      assert.deepEqual(differ, [], `test/fixtures/cdk/${app}/cdk.out is stale in these files: run \`npm run fixtures:cdk\` and commit the result`);
      assert.ok(want.size > 5, `${app} synthesized ${want.size} files`);
    }
  });

  it('`localbatch validate` is clean on the fixtures, and reads their templates', () => {
    const r = cli(FIXTURES_DIR, ['validate', '--format', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as { files: string[]; diagnostics: unknown[] };
    assert.deepEqual(report.diagnostics, []);
    for (const t of ['batch-app/cdk.out/BatchStack.template.json', 'pipeline-app/cdk.out/PipelineStack.template.json']) assert.ok(report.files.includes(t), `${t} in ${report.files.join(', ')}`);
  });

  it('the requests read from the fixtures are valid AWS Batch API input by botocore\'s model', () => {
    const requests: Record<string, unknown[]> = { RegisterJobDefinition: [], CreateJobQueue: [], CreateComputeEnvironment: [] };
    for (const [app, stack] of [['batch-app', 'BatchStack'], ['pipeline-app', 'PipelineStack']]) {
      const file = `${app}/cdk.out/${stack}.template.json`;
      const { workspace } = indexAndValidate([{ path: file, text: readFileSync(path.join(FIXTURES_DIR, file), 'utf8') }]);
      requests.RegisterJobDefinition.push(...[...workspace.jobDefinitions.values()].map((d) => d.value));
      requests.CreateJobQueue.push(...[...workspace.jobQueues.values()].map((d) => d.value));
      requests.CreateComputeEnvironment.push(...[...workspace.computeEnvironments.values()].map((d) => d.value));
    }
    assert.deepEqual([requests.RegisterJobDefinition.length, requests.CreateJobQueue.length, requests.CreateComputeEnvironment.length], [6, 3, 3]);
    assert.equal(botocoreProblems(requests), '');
    // The oracle can fail: a request with a wrong shape is reported.
    assert.match(botocoreProblems({ RegisterJobDefinition: [{ jobDefinitionName: 'x', type: 'container', containerProperties: { vcpus: '1' } }] }), /Invalid type for parameter containerProperties\.vcpus/);
  });

  describe('on real Docker', () => {
    let docker: Docker;
    const made: string[] = [];
    before(async function () {
      docker = await dockerForTests(this);
      await ensureTestImage(docker);
    });
    after(async () => {
      for (const image of made) await docker?.getImage(image).remove({ force: true }).catch(() => undefined);
    });

    type AssetSource = { dockerBuildTarget?: string; dockerFile?: string };
    /**
     * A copy of batch-app's cdk.out in a new folder, with BatchStack's template (to add resources to)
     * and the image its `job` asset builds: this test's own, removed first (an earlier run's) and after.
     */
    const assetFixture = async (prefix: string) => {
      const dir = tempDir(prefix);
      cpSync(path.join(FIXTURES_DIR, 'batch-app', 'cdk.out'), path.join(dir, 'cdk.out'), { recursive: true });
      const templateFile = path.join(dir, 'cdk.out', 'BatchStack.template.json');
      const manifest = JSON.parse(readFileSync(path.join(dir, 'cdk.out', 'BatchStack.assets.json'), 'utf8')) as { dockerImages: Record<string, { source: AssetSource }> };
      const assetHash = (is: (source: AssetSource) => boolean) => Object.entries(manifest.dockerImages).find(([, a]) => is(a.source))![0];
      const hash = assetHash((a) => a.dockerBuildTarget === 'job');
      const image = `localbatch-cdk-asset:${hash}`;
      await docker.getImage(image).remove({ force: true }).catch(() => undefined);
      made.push(image);
      const template = JSON.parse(readFileSync(templateFile, 'utf8')) as { Resources: Record<string, unknown> };
      return { dir, hash, image, assetHash, template, saveTemplate: () => writeFileSync(templateFile, JSON.stringify(template)) };
    };

    it('runs the fromAsset job definition of the committed cdk.out: built from it, SUCCEEDED, with the asset\'s output', async () => {
      const { dir, hash, image } = await assetFixture('lb-cdk-fixture-run-');
      const r = cli(dir, ['run', 'cdk.out/BatchStack.template.json', '--job-definition', 'asset-job', '--state-dir', 'state', '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`Built ${image} for asset-job`));
      const jobs = JSON.parse(r.stdout) as JobDetail[];
      assert.deepEqual(jobs.map((j) => `${j.jobName} ${j.status}`), ['asset-job SUCCEEDED']);
      assert.match(jobs[0].container?.image ?? '', new RegExp(`/cdk-hnb659fds-container-assets-[^:]+:${hash}$`), 'DescribeJobs shows the definition\'s image');
      const logs = cli(dir, ['logs', jobs[0].jobId!, '--state-dir', 'state']);
      assert.equal(logs.stdout, 'hello from cdk.out from the fromAsset job (index none)\n', logs.stderr);
      const left = await docker.listContainers({ all: true, filters: { label: ['dev.localbatch.managed=true', `dev.localbatch.state-dir=${path.join(dir, 'state')}`] } });
      assert.deepEqual(left.map((c) => c.Names), [], 'containers were left behind');
    });

    it('runs a state machine of the stack whose Batch Task submits the fromAsset job: the asset is built first', async () => {
      const { dir, image, assetHash, template, saveTemplate } = await assetFixture('lb-cdk-fixture-sfn-');
      // As CDK writes one (DefinitionString an Fn::Join of JSON pieces and Refs), running AssetJob and waiting for it.
      template.Resources.AssetFlow = { Type: 'AWS::StepFunctions::StateMachine', Properties: {
        StateMachineName: 'asset-flow',
        RoleArn: 'arn:aws:iam::000000000000:role/asset-flow',
        DefinitionString: { 'Fn::Join': ['', [
          '{"StartAt":"Run Asset Job","States":{"Run Asset Job":{"Type":"Task","Resource":"arn:aws:states:::batch:submitJob.sync","Parameters":{"JobName":"from-flow","JobQueue":"',
          { Ref: 'Ec2Queue2236D5B0' }, '","JobDefinition":"', { Ref: 'AssetJobBA24C612' }, '"},"End":true}}}',
        ]] },
      } };
      saveTemplate();
      const other = assetHash((a) => a.dockerFile === 'Fargate.Dockerfile');
      const r = cli(dir, ['run', 'cdk.out/BatchStack.template.json', '--state-machine', 'AssetFlow', '--state-dir', 'state', '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`Built ${image} for asset-job`));
      assert.doesNotMatch(r.stderr, new RegExp(other), 'only the assets of the job definitions its Tasks submit are built');
      assert.equal((JSON.parse(r.stdout) as { status: string }).status, 'SUCCEEDED');
      const id = /from-flow.*?([0-9a-f]{8}-[0-9a-f-]{27})/.exec(r.stderr)?.[1];
      assert.ok(id, `the run names the Task's job: ${r.stderr}`);
      const logs = cli(dir, ['logs', id, '--state-dir', 'state']);
      assert.equal(logs.stdout, 'hello from cdk.out from the fromAsset job (index none)\n', logs.stderr);
    });

    it('builds the assets of a serve whose workspace has a rule submitting the fromAsset job, and the rule runs it', async () => {
      const { dir, image, template, saveTemplate } = await assetFixture('lb-cdk-fixture-serve-');
      template.Resources.NightlyRule = { Type: 'AWS::Events::Rule', Properties: { Name: 'nightly-asset', ScheduleExpression: 'rate(1 day)', Targets: [{ Id: 'job', Arn: { Ref: 'Ec2Queue2236D5B0' }, BatchParameters: { JobDefinition: { Ref: 'AssetJobBA24C612' }, JobName: 'from-rule' } }] } };
      saveTemplate();
      writeFileSync(path.join(dir, 'localbatch.yaml'), 'region: us-east-1\n');
      const serve = await startServe(['--port', '0'], dir, path.join(dir, 'state'), 180_000);
      try {
        const deadline = Date.now() + 180_000;
        while (!serve.output().includes('rule nightly-asset') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        const out = serve.output();
        assert.match(out, new RegExp(`Built ${image} for asset-job`), out);
        const tagged = new RegExp(`Tagged ${image} as (\\S+)`).exec(out);
        assert.ok(tagged, `the image is tagged with the template's ECR name: ${out}`);
        made.push(tagged[1]);
        const fired = await runCli(['events', 'fire', 'nightly-asset', '--state-dir', path.join(dir, 'state')], dir);
        assert.equal(fired.code, 0, fired.output);
        const batch = new BatchClient({ endpoint: serve.endpoint.url, region: serve.endpoint.region, credentials: serve.endpoint.credentials, maxAttempts: 1 });
        try {
          let job: JobSummary | undefined;
          const until = Date.now() + 120_000;
          while (Date.now() < until) {
            const { jobSummaryList = [] } = await batch.send(new ListJobsCommand({ jobQueue: 'ec2-queue', filters: [{ name: 'JOB_NAME', values: ['from-rule'] }] }));
            job = jobSummaryList[0];
            if (job?.status === 'SUCCEEDED' || job?.status === 'FAILED') break;
            await new Promise((r) => setTimeout(r, 500));
          }
          assert.equal(job?.status, 'SUCCEEDED', JSON.stringify(job));
          const logs = await runCli(['logs', job.jobId!, '--state-dir', path.join(dir, 'state')], dir);
          assert.match(logs.output, /hello from cdk\.out from the fromAsset job/);
        } finally {
          batch.destroy();
        }
      } finally {
        await killServe(serve);
      }
    });
  });
});
