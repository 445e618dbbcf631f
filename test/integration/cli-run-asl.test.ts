/**
 * `localbatch run` and `localbatch validate` of a Step Functions state machine file, as users run
 * them (the bundled CLI, a real Docker engine): the execution's states and the Batch job its Task
 * started are shown live, the exit status follows the execution, `--json` prints DescribeExecution,
 * `--redrive` goes on with a failed execution once its job definition is fixed, and a misspelt job
 * definition stops the run with one diagnostic at its line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { dockerForTests, TEST_IMAGE } from '../support/docker';
import { runCli } from '../support/serve-process';

const MANAGED = 'dev.localbatch.managed=true';

const FLOW = {
  StartAt: 'Step',
  States: {
    Step: {
      Type: 'Task',
      Resource: 'arn:aws:states:::batch:submitJob.sync',
      Parameters: { JobName: 'step', JobDefinition: 'step', JobQueue: 'local', ContainerOverrides: { Environment: [{ Name: 'code', 'Value.$': '$.code' }] } },
      ResultSelector: { 'status.$': '$.Status' },
      Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Failed' }],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail', Error: 'StepFailed' },
  },
};

describe('localbatch run of a state machine file (integration)', function () {
  this.timeout(240_000);
  let docker: Docker;
  let dir: string;

  before(async function () {
    docker = await dockerForTests(this);
    dir = mkdtempSync(path.join(tmpdir(), 'lb-run-asl-'));
    writeFileSync(path.join(dir, 'step.jobdef.json'), JSON.stringify({
      jobDefinitionName: 'step',
      type: 'container',
      containerProperties: { image: TEST_IMAGE, command: ['sh', '-c', 'echo step; exit ${code:-0}'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] },
    }));
    writeFileSync(path.join(dir, 'flow.asl.json'), JSON.stringify(FLOW, null, 2));
    writeFileSync(path.join(dir, 'input.json'), '{"code":"0"}');
  });
  after(async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [MANAGED, `dev.localbatch.state-dir=${path.join(dir, '.localbatch')}`] } });
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(left.map((c) => c.Names), [], 'containers were left behind');
  });

  it('runs to SUCCEEDED, showing states and the Batch job the Task started', async () => {
    const r = await runCli(['run', 'flow.asl.json', '--input', '@input.json'], dir, 200_000);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /Step entered \(Task\)/);
    assert.match(r.output, /submitted job step \([0-9a-f-]{36}\)/);
    assert.match(r.output, /job step \([0-9a-f-]{36}\) SUCCEEDED/);
    assert.match(r.output, /Done entered \(Succeed\)/);
    assert.match(r.output, /Execution SUCCEEDED/);
  });

  it('shows a distributed Map\'s progress, which its history does not (DescribeMapRun)', async () => {
    const fan = { StartAt: 'Fan', States: { Fan: { Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } }, End: true } } };
    writeFileSync(path.join(dir, 'fan.asl.json'), JSON.stringify(fan, null, 2));
    const r = await runCli(['run', 'fan.asl.json', '--input', '{"items":[1,2,3,4,5,6]}'], dir, 200_000);
    assert.equal(r.code, 0, r.output);
    const lines = r.output.split('\n').filter((l) => l.includes('map run Fan:'));
    assert.match(lines.at(-1) ?? '', /map run Fan: 6 of 6 items done \(6 succeeded\): SUCCEEDED$/, r.output);
    assert.ok(lines.some((l) => /map run Fan: [0-5] of 6 items done \(\d succeeded\), 2 running$/.test(l)), `a line while it ran:\n${r.output}`);
  });

  it('names the items of a distributed Map that failed, and why, at the end', async () => {
    const check = { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 3, Next: 'Bad' }], Default: 'Ok' }, Bad: { Type: 'Fail', Error: 'TooBig', Cause: 'over three' }, Ok: { Type: 'Pass', End: true } } };
    const rows = { StartAt: 'Rows', States: { Rows: { Type: 'Map', ItemsPath: '$.items', ToleratedFailureCount: 10, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...check }, End: true } } };
    writeFileSync(path.join(dir, 'rows.asl.json'), JSON.stringify(rows, null, 2));
    const items = Array.from({ length: 10 }, (_, i) => ({ n: i }));
    const r = await runCli(['run', 'rows.asl.json', '--input', JSON.stringify({ items })], dir, 200_000);
    assert.equal(r.code, 0, r.output);
    const failed = r.output.split('\n').filter((l) => / map run Rows: item /.test(l));
    assert.equal(failed.length, 5, r.output);
    for (const l of failed) assert.match(l, /map run Rows: item \{"n":[4-9]\} FAILED: TooBig: over three$/);
    assert.match(r.output, /map run Rows: 1 more failed: (once localbatch serve runs on \S+, )?AWS_SHARED_CREDENTIALS_FILE=\S+\/credentials aws --profile localbatch --endpoint-url (http:\/\/127\.0\.0\.1:\d+|<its URL>) stepfunctions list-executions --map-run-arn arn:aws:states:[^ ]+:mapRun:rows\/Rows:[0-9a-f-]{36} --status-filter FAILED$/m);
  });

  it('exits 1 when the execution fails, and --json prints DescribeExecution', async () => {
    const r = await runCli(['run', 'flow.asl.json', '--input', '{"code":"3"}', '--json'], dir, 200_000);
    assert.equal(r.code, 1, r.output);
    const json = JSON.parse(r.output.slice(r.output.indexOf('{\n'), r.output.indexOf('\n}\n') + 2)) as { status: string; error: string; executionArn: string };
    assert.equal(json.status, 'FAILED');
    assert.equal(json.error, 'StepFailed');
    assert.match(json.executionArn, /^arn:aws:states:[a-z0-9-]+:\d{12}:execution:flow:/);
    assert.match(r.output, /job step \([0-9a-f-]{36}\) FAILED/);
  });

  it('--redrive goes on from the failed Task once its job definition is fixed: the state before it is not run again', async () => {
    const jobdef = (command: string) => JSON.stringify({ jobDefinitionName: 'work', type: 'container', containerProperties: { image: TEST_IMAGE, command: ['sh', '-c', command], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } });
    writeFileSync(path.join(dir, 'work.jobdef.json'), jobdef('echo broken; exit 3'));
    writeFileSync(path.join(dir, 'steps.asl.json'), JSON.stringify({
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Next: 'Work' },
        Work: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { JobName: 'work', JobDefinition: 'work', JobQueue: 'local' }, End: true },
      },
    }, null, 2));
    const none = await runCli(['run', 'steps.asl.json', '--redrive'], dir, 60_000);
    assert.equal(none.code, 1, none.output);
    assert.match(none.output, /steps has no execution to redrive; run it without --redrive first/);
    const failed = await runCli(['run', 'steps.asl.json'], dir, 200_000);
    assert.equal(failed.code, 1, failed.output);
    assert.match(failed.output, /go on from where it stopped \(the states that ended are not run again\): localbatch run steps\.asl\.json --redrive/);

    writeFileSync(path.join(dir, 'work.jobdef.json'), jobdef('echo fixed'));
    // (the state machine file changed too: the redrive runs the definition the execution started with, and says so)
    writeFileSync(path.join(dir, 'steps.asl.json'), readFileSync(path.join(dir, 'steps.asl.json'), 'utf8').replace('"Prepare": {', '"Prepare": { "Comment": "edited",'));
    const redriven = await runCli(['run', 'steps.asl.json', '--redrive'], dir, 200_000);
    assert.equal(redriven.code, 0, redriven.output);
    assert.match(redriven.output, /steps changed since this execution started: a redrive runs the definition it started with/);
    assert.match(redriven.output, /Execution [0-9a-f-]{36} redriven \(redrive 1\)/);
    assert.match(redriven.output, /Work entered \(Task\)[\s\S]*job work \([0-9a-f-]{36}\) SUCCEEDED[\s\S]*Execution SUCCEEDED/);
    assert.doesNotMatch(redriven.output, /Prepare entered/, 'Prepare had exited: not run again, nor shown');
    const again = await runCli(['run', 'steps.asl.json', '--redrive'], dir, 60_000);
    assert.equal(again.code, 1);
    assert.match(again.output, /newest execution of steps \([0-9a-f-]{36}\) is SUCCEEDED: nothing to redrive/);
    assert.equal((await runCli(['run', 'steps.asl.json', '--redrive', '--input', '{}'], dir, 60_000)).code, 2);
  });

  it('validate and run report a misspelt JobDefinition at its line, and run starts nothing', async () => {
    writeFileSync(path.join(dir, 'typo.asl.json'), JSON.stringify(FLOW, null, 2).replace('"JobDefinition": "step"', '"JobDefinition": "stpe"'));
    try {
      const v = await runCli(['validate', 'typo.asl.json'], dir);
      assert.equal(v.code, 1, v.output);
      const line = JSON.stringify(FLOW, null, 2).split('\n').findIndex((l) => l.includes('"JobDefinition"')) + 1;
      assert.match(v.output, new RegExp(`^typo\\.asl\\.json:${line}:\\d+: error: The Task 'Step' uses the job definition 'stpe', which is not defined in the workspace \\(did you mean 'step'\\?\\) \\[unknown-job-definition\\]$`, 'm'));
      const r = await runCli(['run', 'typo.asl.json'], dir);
      assert.equal(r.code, 1, r.output);
      assert.doesNotMatch(r.output, /Execution .* started/);
    } finally {
      rmSync(path.join(dir, 'typo.asl.json'));
    }
  });
});
