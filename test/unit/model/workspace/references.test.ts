import assert from 'node:assert/strict';
import { expectOne, validate, withRule, workflow } from './helpers';

describe('workspace rules: references (unit)', () => {
  it('accepts a valid workspace with no cross-file diagnostics', () => {
    const diags = validate({ 'w.workflow.yaml': workflow(['  a:', '    jobDefinition: work', '    jobQueue: cpu', '  b:', '    jobDefinition: small:3', '    jobQueue: fg', '    dependsOn: [{job: a}]']) });
    assert.deepEqual(diags.filter((d) => d.severity === 'error' || d.file === 'w.workflow.yaml'), []);
  });

  it('reports an unknown job definition with a suggestion', () => {
    const diags = validate({ 'w.workflow.yaml': workflow(['  a:', '    jobQueue: cpu', '    jobDefinition: wrok']) });
    const d = expectOne(diags, 'unknown-job-definition', 'w.workflow.yaml', 4);
    assert.match(d.message, /'wrok'/);
    assert.match(d.message, /did you mean 'work'/);
    assert.equal(d.severity, 'error');
    assert.equal(d.range.start.column, 19);
  });

  it('accepts job definition ARNs and name:revision of a known name', () => {
    const diags = validate({
      'w.workflow.yaml': workflow(['  a:', '    jobDefinition: arn:aws:batch:us-east-1:123456789012:job-definition/elsewhere:4', '  b:', '    jobDefinition: work:7', '  c:', '    jobDefinition: nope:7']),
    });
    const d = expectOne(diags, 'unknown-job-definition', 'w.workflow.yaml', 7);
    assert.match(d.message, /'nope'/);
  });

  it('reports an unknown job queue, but accepts local and ARNs', () => {
    const diags = validate({
      'w.workflow.yaml': workflow([
        '  a: {jobDefinition: work, jobQueue: local}',
        '  b: {jobDefinition: work, jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/prod"}',
        '  c: {jobDefinition: work}',
        '  d:',
        '    jobDefinition: work',
        '    jobQueue: cpuu',
      ]),
    });
    const d = expectOne(diags, 'unknown-job-queue', 'w.workflow.yaml', 7);
    assert.match(d.message, /'cpuu'.*did you mean 'cpu'/);
  });

  it('reports an unknown compute environment in a queue, but accepts ARNs', () => {
    const queue = ['jobQueueName: q2', 'priority: 1', 'computeEnvironmentOrder:', '  - order: 1', '    computeEnvironment: arn:aws:batch:us-east-1:123456789012:compute-environment/x', '  - order: 2', '    computeEnvironment: ec3'].join('\n');
    const d = expectOne(validate({ 'q2.jobqueue.yaml': queue }), 'unknown-compute-environment', 'q2.jobqueue.yaml', 7);
    assert.match(d.message, /'ec3'.*did you mean 'ec2'/);
  });

  it('reports a name defined in two files at the name in the second file', () => {
    const dup = '{\n  "jobDefinitionName": "work",\n  "type": "container",\n  "containerProperties": {"image": "x", "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "64"}]}\n}';
    const d = expectOne(validate({ 'z/work-copy.jobdef.json': dup }), 'duplicate-definition', 'z/work-copy.jobdef.json', 2);
    assert.match(d.message, /'work' is already defined in work\.jobdef\.json/);
    const q = expectOne(validate({ 'z.jobqueue.yaml': 'jobQueueName: cpu\npriority: 2\ncomputeEnvironmentOrder: [{order: 1, computeEnvironment: ec2}]\n' }), 'duplicate-definition', 'z.jobqueue.yaml', 1);
    assert.match(q.message, /job queue 'cpu'/);
  });

  it('skips values of the wrong type silently', () => {
    const diags = validate({ 'w.workflow.yaml': workflow(['  a:', '    jobDefinition: 3', '    jobQueue: [x]', '    dependsOn: 5', '  b: 7']) });
    assert.deepEqual(withRule(diags, 'unknown-job-definition'), []);
    assert.deepEqual(withRule(diags, 'unknown-job-queue'), []);
    assert.deepEqual(withRule(diags, 'internal'), []);
  });
});
