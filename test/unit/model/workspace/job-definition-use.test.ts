import assert from 'node:assert/strict';
import { expectOne, validate, withRule, workflow } from './helpers';

const W = 'w.workflow.yaml';
const REF = JSON.stringify({ jobDefinitionName: 'ref', type: 'container', parameters: { a: '1' }, containerProperties: { image: 'x', command: ['run', 'Ref::a', '--out=Ref::out', 'Ref::mode'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } });

describe('workspace rules: how workflow jobs use job definitions (unit)', () => {
  it('warns when a Ref:: placeholder without default is not supplied by the workflow job', () => {
    const diags = validate({ 'ref.jobdef.json': REF, [W]: workflow(['  a:', '    jobDefinition: ref', '    parameters:', '      out: x.txt', '  b:', '    jobDefinition: ref', '    parameters: {out: y, mode: fast}']) });
    const d = expectOne(diags, 'workflow-parameter-missing', W, 4);
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /Ref::mode/);
    assert.doesNotMatch(d.message, /Ref::out/);
  });

  it('points at the jobDefinition when the job has no parameters, and ignores an overridden command', () => {
    const diags = validate({ 'ref.jobdef.json': REF, [W]: workflow(['  a:', '    jobDefinition: ref', '  b:', '    jobDefinition: ref', '    containerOverrides: {command: [echo, hi]}']) });
    const d = expectOne(diags, 'workflow-parameter-missing', W, 3);
    assert.match(d.message, /Ref::out, Ref::mode/);
  });

  it('reports an array job of a multinode job definition', () => {
    const mnp = JSON.stringify({ jobDefinitionName: 'mnp', type: 'multinode', nodeProperties: { numNodes: 2, mainNode: 0, nodeRangeProperties: [{ targetNodes: '0:1', container: { image: 'x', resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } }] } });
    const diags = validate({ 'mnp.jobdef.json': mnp, [W]: workflow(['  a:', '    jobDefinition: mnp', '    arrayProperties:', '      size: 2']) });
    expectOne(diags, 'multinode-array-job', W, 4);
  });

  it('checks node ranges of multinode jobs against the queue', () => {
    const mnp = JSON.stringify({ jobDefinitionName: 'mnp', type: 'multinode', nodeProperties: { numNodes: 2, mainNode: 0, nodeRangeProperties: [{ targetNodes: '0:1', container: { image: 'x', resourceRequirements: [{ type: 'VCPU', value: '48' }, { type: 'MEMORY', value: '64' }] } }] } });
    const d = expectOne(validate({ 'mnp.jobdef.json': mnp, [W]: workflow(['  a:', '    jobDefinition: mnp', '    jobQueue: cpu']) }), 'job-exceeds-capacity', W, 4);
    assert.match(d.message, /node range 0:1/);
  });

  it('reports containerOverrides that give a Fargate job an unsupported combination', () => {
    const diags = validate({ [W]: workflow(['  a:', '    jobDefinition: small', '    jobQueue: fg', '    containerOverrides:', '      resourceRequirements:', '        - {type: MEMORY, value: "16384"}', '  b:', '    jobDefinition: small', '    jobQueue: fg', '    containerOverrides: {resourceRequirements: [{type: VCPU, value: "2"}, {type: MEMORY, value: "16384"}]}']) });
    const d = expectOne(diags, 'fargate-override-combination', W, 7);
    assert.match(d.message, /1 vCPU and 16384 MiB/);
    assert.equal(withRule(diags, 'fargate-override-combination').length, 1);
  });
});
