import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import type { Diagnostic } from '../../../src/model/diagnostics';
import { validateSource } from '../../../src/model/validation/index';
import { nearest } from '../../../src/model/validation/schema-errors';

const FIXTURES = path.join(__dirname, '../../fixtures/valid');
const SCHEMA_DIR = path.join(__dirname, '../../../src/model/schemas');
const KINDS = ['jobDefinition', 'jobQueue', 'computeEnvironment', 'workflow', 'settings'];

function schemaDiagnostics(file: string, text: string): Diagnostic[] {
  return validateSource({ path: file, text }).filter((d) => d.rule === 'schema');
}

/** The only schema diagnostic of a file, with its one-based line and column. */
function single(file: string, text: string): { line: number; column: number; message: string; severity: string } {
  const diags = schemaDiagnostics(file, text);
  assert.equal(diags.length, 1, `expected one schema diagnostic, got: ${JSON.stringify(diags.map((d) => d.message))}`);
  const d = diags[0];
  return { line: d.range.start.line + 1, column: d.range.start.column + 1, message: d.message, severity: d.severity };
}

describe('schema check: errors (unit)', () => {
  it('reports an unknown property on its key with a suggestion, and not the missing property it misspells', () => {
    const text = '{\n  "jobDefintionName": "a",\n  "type": "container",\n  "containerProperties": { "image": "busybox" }\n}\n';
    const d = single('x.jobdef.json', text);
    assert.deepEqual([d.line, d.column, d.severity], [2, 3, 'error']);
    assert.match(d.message, /Unknown property "jobDefintionName" in the job definition; did you mean "jobDefinitionName"/);
  });

  it('reports an unknown property in YAML with the exact key range', () => {
    const text = 'jobDefinitionName: a\ntype: container\ncontainerProperties:\n  image: busybox\n  comand: [echo, hi]\n';
    const diags = schemaDiagnostics('x.jobdef.yaml', text);
    assert.equal(diags.length, 1);
    assert.deepEqual(diags[0].range, { start: { line: 4, column: 2 }, end: { line: 4, column: 8 } });
    assert.match(diags[0].message, /Unknown property "comand" in containerProperties; did you mean "command"\?/);
  });

  it('reports a missing required property on its object, naming the property', () => {
    const d = single('x.jobdef.json', '{ "jobDefinitionName": "a" }');
    assert.deepEqual([d.line, d.column], [1, 1]);
    assert.equal(d.message, 'The job definition is missing the required property "type"');
  });

  it('names all missing properties of one object in one diagnostic', () => {
    const d = single('q.jobqueue.yaml', 'state: ENABLED\n');
    assert.equal(d.message, 'The job queue is missing the required properties "jobQueueName" and "priority"');
  });

  it('reports a wrong type on the value, with a quoting hint for numbers that must be strings', () => {
    const text = 'jobDefinitionName: a\ntype: container\nretryStrategy:\n  attempts: "3"\ncontainerProperties:\n  image: busybox\n';
    const d = single('x.jobdef.yaml', text);
    assert.deepEqual([d.line, d.column], [4, 13]);
    assert.equal(d.message, 'retryStrategy.attempts must be a whole number, not "3"');
    const huge = single('x.jobdef.json', '{"jobDefinitionName": "a", "type": "container", "retryStrategy": {"attempts": 1e400}, "containerProperties": {"image": "busybox"}}');
    assert.equal(huge.message, 'retryStrategy.attempts must be a whole number, not a number too large to hold');
    const q = single('x.jobdef.yaml', 'jobDefinitionName: a\ntype: container\ncontainerProperties:\n  resourceRequirements:\n    - {type: VCPU, value: 2}\n');
    assert.deepEqual([q.line, q.column], [5, 27]);
    assert.match(q.message, /^containerProperties\.resourceRequirements\[0\]\.value must be a string, not 2 \(put the value in quotes: "2"\)$/);
  });

  it('reports a bad enum value with the allowed values and a suggestion', () => {
    const d = single('x.jobdef.json', '{\n  "jobDefinitionName": "a",\n  "type": "Container"\n}');
    assert.deepEqual([d.line, d.column], [3, 11]);
    assert.equal(d.message, 'type must be one of container, multinode, not "Container"; did you mean "container"?');
    assert.equal(single('x.jobdef.yaml', 'jobDefinitionName: a\ntype: 5\n').message, 'type must be one of container, multinode, not 5');
  });

  it('accepts evaluateOnExit actions in any case but reports other words', () => {
    const base = 'jobDefinitionName: a\ntype: container\ncontainerProperties: {image: busybox}\nretryStrategy:\n  attempts: 2\n  evaluateOnExit:\n';
    assert.deepEqual(schemaDiagnostics('x.jobdef.yaml', `${base}    - {onExitCode: "1", action: retry}\n    - {onExitCode: "2", action: Exit}\n`), []);
    const d = single('x.jobdef.yaml', `${base}    - onExitCode: "1"\n      action: RESTART\n`);
    assert.deepEqual([d.line, d.column], [8, 15]);
    assert.match(d.message, /^retryStrategy\.evaluateOnExit\[0\]\.action must be one of RETRY, EXIT \(in any letter case\), not "RESTART"/);
  });

  it('reports errors nested inside containerProperties at the nested value', () => {
    const text = [
      '{',
      '  "jobDefinitionName": "a",',
      '  "type": "container",',
      '  "containerProperties": {',
      '    "image": "busybox",',
      '    "resourceRequirements": [',
      '      { "type": "VCPU", "value": "1" },',
      '      { "type": "CPU", "value": "1" }',
      '    ],',
      '    "logConfiguration": { "logDriver": "awslogs", "options": { "awslogs-group": 5 } }',
      '  }',
      '}',
    ].join('\n');
    const diags = schemaDiagnostics('x.jobdef.json', text).map((d) => [d.range.start.line + 1, d.range.start.column + 1, d.message]);
    assert.deepEqual(diags, [
      [8, 17, 'containerProperties.resourceRequirements[1].type must be one of GPU, VCPU, MEMORY, not "CPU"; did you mean "GPU"?'],
      [10, 81, 'containerProperties.logConfiguration.options.awslogs-group must be a string, not 5 (put the value in quotes: "5")'],
    ]);
  });

  it('reports a workflow job without jobDefinition on the job', () => {
    const text = 'jobs:\n  first:\n    jobDefinition: jd\n  second:\n    jobQueue: q\n    dependsOn: [{job: first}]\n';
    const d = single('w.workflow.yaml', text);
    assert.deepEqual([d.line, d.column], [5, 5]);
    assert.equal(d.message, 'jobs.second is missing the required property "jobDefinition"');
  });

  it('reports an unknown key in a dependsOn item with a suggestion', () => {
    const text = '{\n  "jobs": {\n    "a": { "jobDefinition": "jd" },\n    "b": { "jobDefinition": "jd", "dependsOn": [{ "jobb": "a" }] }\n  }\n}\n';
    const d = single('w.workflow.json', text);
    assert.deepEqual([d.line, d.column], [4, 51]);
    assert.equal(d.message, 'Unknown property "jobb" in jobs.b.dependsOn[0]; did you mean "job"?');
  });

  it('reports workflow-level problems: no jobs, bad job names, bad dependency types', () => {
    assert.equal(single('w.workflow.yaml', 'jobs: {}\n').message, 'The workflow must define at least one job under jobs');
    const name = single('w.workflow.yaml', 'jobs:\n  "bad name": {jobDefinition: jd}\n');
    assert.deepEqual([name.line, name.column], [2, 3]);
    assert.match(name.message, /^Invalid key "bad name" in jobs: A job name may contain only letters/);
    const dep = single('w.workflow.yaml', 'jobs:\n  a: {jobDefinition: jd, dependsOn: [{type: PARALLEL}]}\n');
    assert.match(dep.message, /^jobs\.a\.dependsOn\[0\]\.type must be one of N_TO_N, SEQUENTIAL, not "PARALLEL"$/);
    const top = single('w.workflow.yaml', 'job:\n  a: {jobDefinition: jd}\n');
    assert.match(top.message, /Unknown property "job" in the workflow; did you mean "jobs" \(a required property\)\?/);
  });

  it('reports settings with a bad port, account id and capacity', () => {
    const d = single('localbatch.yaml', 'region: eu-west-1\nport: 70000\n');
    assert.deepEqual([d.line, d.column], [2, 7]);
    assert.equal(d.message, 'port must be at most 65535, not 70000');
    const diags = schemaDiagnostics('localbatch.yaml', 'accountId: "12345"\ncapacity: {vcpus: 0, memoryMiB: 2}\nimages: [{name: app}]\n');
    assert.deepEqual(diags.map((x) => x.message), [
      'accountId must be exactly 12 digits, as a string, not "12345"',
      'capacity.vcpus must be greater than 0, not 0',
      'capacity.memoryMiB must be at least 4, not 2',
      'images[0] is missing the required property "context"',
    ]);
  });

  it('reports a document that is not an object once, at the top', () => {
    const d = single('x.computeenv.yaml', '- a\n- b\n');
    assert.deepEqual([d.line, d.column], [1, 1]);
    assert.equal(d.message, 'The compute environment must be an object (key: value pairs), not a list');
  });

  it('applies limits stated by the model (tag count and key length)', () => {
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    const d = single('x.jobdef.json', JSON.stringify({ jobDefinitionName: 'a', type: 'container', tags }));
    assert.equal(d.message, 'tags must have at most 50 entries (it has 51)');
  });

  it('caps the number of findings for huge broken documents', () => {
    const junk = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`junk${i}`, i]));
    const diags = schemaDiagnostics('x.jobqueue.json', JSON.stringify({ jobQueueName: 'q', priority: 1, ...junk }));
    assert.equal(diags.length, 101);
    assert.match(diags.map((x) => x.message).join('\n'), /and 400 more schema problems/);
  });
});

describe('schema check: valid definitions (unit)', () => {
  const files = fs.readdirSync(FIXTURES).sort();

  it('has fixtures of every kind', () => {
    for (const suffix of ['.jobdef.', '.jobqueue.', '.computeenv.', '.workflow.', 'localbatch.yaml']) {
      assert.ok(files.some((f) => f.includes(suffix)), suffix);
    }
  });

  for (const file of files) {
    it(`accepts ${file}`, () => {
      const diags = schemaDiagnostics(file, fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
      assert.deepEqual(diags.map((d) => d.message), []);
    });
  }

  it('accepts values newer than the bundled botocore model (ECS managed instances, ordered strategies)', () => {
    const ce = {
      computeEnvironmentName: 'mi',
      type: 'MANAGED',
      computeResources: { type: 'ECS_MANAGED_INSTANCES', allocationStrategy: 'BEST_FIT_PROGRESSIVE_ORDERED', maxvCpus: 16, subnets: ['subnet-1'] },
    };
    assert.deepEqual(schemaDiagnostics('mi.computeenv.json', JSON.stringify(ce)), []);
    const jd = { jobDefinitionName: 'a', type: 'container', platformCapabilities: ['MANAGED_INSTANCES'], containerProperties: { image: 'x' } };
    assert.deepEqual(schemaDiagnostics('a.jobdef.json', JSON.stringify(jd)), []);
  });

  it('localbatch.yaml serviceAccounts map EKS service accounts to IAM role ARNs', () => {
    assert.deepEqual(schemaDiagnostics('localbatch.yaml', 'serviceAccounts:\n  trainer: arn:aws:iam::123456789012:role/trainer\n'), []);
    assert.deepEqual(schemaDiagnostics('localbatch.yaml', 'serviceAccounts:\n  trainer: trainer-role\n').map((d) => d.message), [
      'serviceAccounts.trainer must be an IAM role ARN, e.g. arn:aws:iam::123456789012:role/trainer, not "trainer-role"',
    ]);
  });

  it('accepts the 2024-2026 shapes: no subnets (the default VPC), default_x86_64/default_arm64, Firelens, host networking, container timeouts', () => {
    const ce = { computeEnvironmentName: 'ns', type: 'MANAGED', computeResources: { type: 'EC2', maxvCpus: 16, instanceRole: 'ecsInstanceRole', instanceTypes: ['default_x86_64', 'default_arm64'] } };
    assert.deepEqual(schemaDiagnostics('ns.computeenv.json', JSON.stringify(ce)), []);
    const firelens = { jobDefinitionName: 'fl', type: 'container', containerProperties: { image: 'x', logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'cloudwatch' } } } };
    assert.deepEqual(schemaDiagnostics('fl.jobdef.json', JSON.stringify(firelens)), []);
    const task = { jobDefinitionName: 'h', type: 'container', ecsProperties: { taskProperties: [{ networkMode: 'host', containers: [{ name: 'a', image: 'x', startTimeout: 30, stopTimeout: 60 }] }] } };
    assert.deepEqual(schemaDiagnostics('h.jobdef.json', JSON.stringify(task)), []);
    const badDriver = { ...firelens, containerProperties: { image: 'x', logConfiguration: { logDriver: 'firelens' } } };
    assert.equal(schemaDiagnostics('fl.jobdef.json', JSON.stringify(badDriver)).length, 1, 'the driver is still checked');
  });
});

describe('generated schemas (unit)', () => {
  for (const kind of KINDS) {
    it(`${kind}: is a valid draft-07 schema with $id, title and descriptions`, () => {
      const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, `${kind}.schema.json`), 'utf8')) as Record<string, unknown>;
      assert.equal(schema.$id, `https://localbatch.dev/schemas/${kind}.schema.json`);
      assert.equal(typeof schema.title, 'string');
      assert.equal(typeof schema.description, 'string');
      const ajv = new Ajv({ strict: true });
      ajv.addVocabulary(['markdownDescription', 'patternErrorMessage', 'x-enumAnyCase']);
      assert.equal(ajv.validateSchema(schema), true, JSON.stringify(ajv.errors));
      ajv.compile(schema);
    });
  }

  it('has precompiled validators in sync with the schema files (run `npm run schemas` after changing them)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { generate } = require('../../../scripts/compile-schema-validators.cjs') as { generate: () => string };
    const committed = fs.readFileSync(path.join(SCHEMA_DIR, 'validators.generated.js'), 'utf8');
    assert.ok(generate() === committed, 'src/model/schemas/validators.generated.js is stale');
  });

  it('keeps HTML out of descriptions', () => {
    const text = fs.readFileSync(path.join(SCHEMA_DIR, 'jobDefinition.schema.json'), 'utf8');
    assert.doesNotMatch(text, /<\/?(p|code|a|ul|li|note)\b/);
  });
});

describe('nearest property name (unit)', () => {
  it('suggests close names and nothing for unrelated ones', () => {
    assert.equal(nearest('jobDefintionName', ['type', 'jobDefinitionName']), 'jobDefinitionName');
    assert.equal(nearest('imgae', ['image', 'command']), 'image');
    assert.equal(nearest('RETRYY', ['RETRY', 'EXIT']), 'RETRY');
    assert.equal(nearest('zzz', ['image', 'command']), undefined);
    assert.equal(nearest('ab', ['xy']), undefined);
  });
});
