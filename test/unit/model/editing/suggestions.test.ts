/**
 * Every rule whose message suggests a name ("did you mean …?") carries the name as data, and the
 * quick fix replaces the key or value with it; one mistake gives one diagnostic.
 */
import assert from 'node:assert/strict';
import type { Diagnostic } from '../../../../src/model/diagnostics';
import { quickFixesFor } from '../../../../src/model/editing/quick-fixes';
import { validateSource, validateWorkspace, type DefinitionSource } from '../../../../src/model/validation';

/** Applies the first quick fix of `d` to the file's text. */
function fixed(sources: readonly DefinitionSource[], d: Diagnostic): string {
  const source = sources.find((s) => s.path === d.file)!;
  const fix = quickFixesFor(d, source.text)[0];
  assert.ok(fix, `a quick fix for ${d.rule}: ${d.message}`);
  assert.equal(fix.preferred, true);
  const lines = source.text.split('\n');
  const { start, end } = fix.edits[0].range;
  assert.equal(start.line, end.line);
  lines[start.line] = lines[start.line].slice(0, start.column) + fix.edits[0].newText + lines[start.line].slice(end.column);
  return lines.join('\n');
}

const jobdef = (name: string) => ({ path: `${name}.jobdef.yaml`, text: `jobDefinitionName: ${name}\ntype: container\ncontainerProperties:\n  image: busybox\n  resourceRequirements:\n    - {type: VCPU, value: "1"}\n    - {type: MEMORY, value: "512"}\n` });
const computeEnv = { path: 'cpu.computeenv.yaml', text: 'computeEnvironmentName: cpu-ce\ntype: MANAGED\ncomputeResources:\n  type: EC2\n  maxvCpus: 16\n  instanceTypes: [optimal]\n  subnets: [subnet-1]\n  securityGroupIds: [sg-1]\n  instanceRole: ecsInstanceRole\n' };

describe('editing: suggested names as quick fixes (unit)', () => {
  it('every "did you mean" message carries its suggestion, and its quick fix applies it', () => {
    const workflow = {
      path: 'pipe.workflow.yaml',
      text: 'jobs:\n  preprocess:\n    jobDefinition: prep\n  train:\n    jobDefinition: trainer:2\n    jobQueue: cpu-queu\n    dependsOn:\n      - job: preproces\n',
    };
    const queue = { path: 'q.jobqueue.yaml', text: 'jobQueueName: cpu-queue\npriority: 1\ncomputeEnvironmentOrder:\n  - order: 1\n    computeEnvironment: cpu-cee\n' };
    const sources = [jobdef('prep'), jobdef('train'), computeEnv, queue, workflow];
    const diags = validateWorkspace(sources);
    const suggesting = diags.filter((d) => /did you mean/.test(d.message));
    assert.deepEqual(suggesting.map((d) => [d.rule, d.suggestion]).sort(), [
      ['unknown-compute-environment', 'cpu-ce'],
      ['unknown-dependency', 'preprocess'],
      ['unknown-job-definition', 'train:2'],
      ['unknown-job-queue', 'cpu-queue'],
    ]);
    const byRule = (rule: string) => suggesting.find((d) => d.rule === rule)!;
    assert.match(fixed(sources, byRule('unknown-dependency')), /- job: preprocess\n/);
    assert.match(fixed(sources, byRule('unknown-job-definition')), /jobDefinition: train:2\n/);
    assert.match(fixed(sources, byRule('unknown-job-queue')), /jobQueue: cpu-queue\n/);
    assert.match(fixed(sources, byRule('unknown-compute-environment')), /computeEnvironment: cpu-ce\n/);
  });

  it('schema suggestions (unknown property, enum value in any case) carry the name; JSON quotes are kept', () => {
    const text = JSON.stringify({ jobDefinitionName: 'a', type: 'Container', containerProperties: { image: 'busybox', resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '512' }] }, retryStrategy: { attemps: 2 } }, null, 2);
    const sources = [{ path: 'a.jobdef.json', text }];
    const diags = validateSource(sources[0]).filter((d) => /did you mean/.test(d.message));
    assert.deepEqual(diags.map((d) => d.suggestion).sort(), ['attempts', 'container']);
    for (const d of diags) assert.equal(d.rule, 'schema');
    assert.match(fixed(sources, diags.find((d) => d.suggestion === 'attempts')!), /"attempts": 2/);
    assert.match(fixed(sources, diags.find((d) => d.suggestion === 'container')!), /"type": "container"/);
  });

  it('no rule suggests a name without carrying it (over the red-team fixtures)', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const path = await import('node:path');
    const root = path.resolve(__dirname, '..', '..', '..', 'fixtures');
    const files: DefinitionSource[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(json|ya?ml)$/.test(name) && !name.endsWith('.expect.json')) files.push({ path: path.relative(root, p), text: readFileSync(p, 'utf8') });
      }
    };
    walk(root);
    const diags = files.flatMap((f) => validateSource(f));
    const missing = diags.filter((d) => /did you mean/i.test(d.message) && d.suggestion === undefined);
    assert.deepEqual(missing.map((d) => `${d.rule}: ${d.message}`), []);
  });

  it('one mistake, one diagnostic: a misspelt key in a JSON job definition', () => {
    const text = '{\n  "jobDefinitionNam": "hello",\n  "type": "container",\n  "containerProperties": {"image": "busybox", "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "512"}]}\n}\n';
    const diags = validateWorkspace([{ path: 'hello.jobdef.json', text }]);
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.equal(diags[0].suggestion, 'jobDefinitionName');
    assert.equal(diags[0].range.start.line, 1);
  });
});
