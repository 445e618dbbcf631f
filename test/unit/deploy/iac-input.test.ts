/** What `deploy` takes from a workspace holding templates: plain definition files only. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { blockingErrors, loadDeployInput, ownedNotes } from '../../../src/deploy/input';

const FIXTURES = path.join(__dirname, '../../fixtures/iac');

describe('deploy input with templates (unit)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-deploy-iac-'));
    cpSync(path.join(FIXTURES, 'cdk'), path.join(dir, 'cdk'), { recursive: true });
    cpSync(path.join(FIXTURES, 'terraform'), path.join(dir, 'tf'), { recursive: true });
    writeFileSync(path.join(dir, 'plain.jobdef.json'), JSON.stringify({ jobDefinitionName: 'plain', type: 'container', containerProperties: { image: 'busybox', resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } }));
    writeFileSync(path.join(dir, 'broken.template.yaml'), 'Resources:\n  J:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      Type: container\n      ContainerProperties: {Image: !ImportValue nope}\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('deploys the plain files, names what each template tool owns, and is not stopped by template errors', async () => {
    const input = await loadDeployInput([], dir);
    assert.deepEqual(input.desired.map((d) => `${d.kind} ${d.name}`), ['jobDefinition plain']);
    const notes = ownedNotes(input);
    assert.equal(notes.length, 3, notes.join('\n'));
    assert.ok(notes.some((n) => n.startsWith('not deployed: cdk/cdk.out/BatchStack.template.json is a CDK template;') && n.endsWith('with `cdk deploy`') && n.includes('job definition from-repo')), notes.join('\n'));
    assert.ok(notes.some((n) => n.startsWith('not deployed: tf/plan.json is a Terraform file;') && n.endsWith('with `terraform apply`') && n.includes('job queue tf-queue')), notes.join('\n'));
    assert.ok(notes.some((n) => n.includes('broken.template.yaml is a CloudFormation template') && n.endsWith('with `aws cloudformation deploy`')), notes.join('\n'));
    assert.ok(input.diagnostics.some((d) => d.rule === 'template-import-value'));
    assert.deepEqual(blockingErrors(input).map((d) => `${d.file} ${d.rule}`), []);
  });
});
