import assert from 'node:assert/strict';
import type { Diagnostic } from '../../../../src/model/diagnostics';
import { validateWorkspace } from '../../../../src/model/validation';

/** A small valid workspace: an EC2 and a Fargate compute environment, a queue on each, two job definitions. */
export const BASE: Readonly<Record<string, string>> = {
  'ce/ec2.computeenv.yaml': [
    'computeEnvironmentName: ec2',
    'type: MANAGED',
    'computeResources:',
    '  type: EC2',
    '  minvCpus: 0',
    '  maxvCpus: 16',
    '  instanceTypes: [m5.large, m5.xlarge]',
    '  subnets: [subnet-1]',
    '  securityGroupIds: [sg-1]',
    '  instanceRole: ecsInstanceRole',
  ].join('\n'),
  'ce/fargate.computeenv.yaml': ['computeEnvironmentName: fargate', 'type: MANAGED', 'computeResources:', '  type: FARGATE', '  maxvCpus: 32', '  subnets: [subnet-1]', '  securityGroupIds: [sg-1]'].join('\n'),
  'cpu.jobqueue.yaml': ['jobQueueName: cpu', 'priority: 1', 'computeEnvironmentOrder:', '  - order: 1', '    computeEnvironment: ec2'].join('\n'),
  'fg.jobqueue.yaml': ['jobQueueName: fg', 'priority: 1', 'computeEnvironmentOrder:', '  - order: 1', '    computeEnvironment: fargate'].join('\n'),
  'work.jobdef.json': JSON.stringify(
    { jobDefinitionName: 'work', type: 'container', parameters: { n: '1' }, containerProperties: { image: 'busybox', command: ['echo', 'Ref::n'], resourceRequirements: [{ type: 'VCPU', value: '2' }, { type: 'MEMORY', value: '2048' }] } },
    null,
    2,
  ),
  'small.jobdef.json': JSON.stringify(
    {
      jobDefinitionName: 'small',
      type: 'container',
      platformCapabilities: ['FARGATE'],
      containerProperties: { image: 'busybox', command: ['echo'], executionRoleArn: 'arn:aws:iam::123456789012:role/exec', resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '2048' }] },
    },
    null,
    2,
  ),
};

/** Validates BASE plus/overriding `files` (a value of null removes a BASE file). */
export function validate(files: Record<string, string | null>): Diagnostic[] {
  const all: Record<string, string | null> = { ...BASE, ...files };
  return validateWorkspace(Object.entries(all).flatMap(([path, text]) => (text === null ? [] : [{ path, text }])));
}

export function withRule(diags: readonly Diagnostic[], rule: string): Diagnostic[] {
  return diags.filter((d) => d.rule === rule);
}

/** Asserts exactly one diagnostic of `rule`, in `file` at one-based `line`; returns it. */
export function expectOne(diags: readonly Diagnostic[], rule: string, file: string, line: number): Diagnostic {
  const hits = withRule(diags, rule);
  assert.equal(hits.length, 1, `expected one ${rule}, got:\n${diags.map((d) => `${d.file}:${d.range.start.line + 1} ${d.message} [${d.rule}]`).join('\n')}`);
  assert.equal(hits[0].file, file);
  assert.equal(hits[0].range.start.line + 1, line, hits[0].message);
  return hits[0];
}

export function workflow(lines: string[]): string {
  return ['jobs:', ...lines].join('\n') + '\n';
}
