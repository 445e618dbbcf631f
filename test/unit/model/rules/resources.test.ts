import { runCases, type RuleCase } from './helpers';

/** An EC2 container job definition whose resourceRequirements entries start at line 6. */
const ec2 = (...requirements: string[]): string =>
  `jobDefinitionName: demo
type: container
containerProperties:
  image: busybox
  resourceRequirements:
${requirements.map((r) => `    - ${r}\n`).join('')}`;

/** The same on Fargate: resourceRequirements entries start at line 8. */
const fargate = (...requirements: string[]): string =>
  `jobDefinitionName: demo
type: container
platformCapabilities: [FARGATE]
containerProperties:
  image: busybox
  executionRoleArn: arn:aws:iam::123456789012:role/exec
  resourceRequirements:
${requirements.map((r) => `    - ${r}\n`).join('')}`;

const VCPU1 = '{type: VCPU, value: "1"}';
const MEM2G = '{type: MEMORY, value: "2048"}';

/** A workflow job (JSON) whose containerOverrides.resourceRequirements sit on line 4. */
const override = (requirements: string): string => `{"jobs": {
  "step": {"jobDefinition": "demo",
    "containerOverrides": {
      "resourceRequirements": ${requirements}
    }}}}
`;

/** A JSON job definition with the given containerProperties members on lines 5.. */
const jsonDef = (platform: string, ...members: string[]): string => `{
  "jobDefinitionName": "demo",
  "type": "container",${platform ? `\n  "platformCapabilities": ["${platform}"],` : ''}
  "containerProperties": {
${members.map((m) => `    ${m}`).join(',\n')}
  }
}
`;
const IMAGE = '"image": "busybox"';
const EXEC = '"executionRoleArn": "arn:aws:iam::123456789012:role/exec"';
const RR = '"resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "2048"}]';

const cases: RuleCase[] = [
  { title: 'half a vCPU on EC2', rule: 'resource-vcpu-value', file: 'a.jobdef.yaml', text: ec2('{type: VCPU, value: "0.5"}', MEM2G), line: 6, column: 27, valid: ec2(VCPU1, MEM2G) },
  {
    title: 'a VCPU override that is not a number',
    rule: 'resource-vcpu-value',
    file: 'w.workflow.json',
    text: override('[{"type": "VCPU", "value": "two"}]'),
    line: 4,
    column: 58,
    valid: override('[{"type": "VCPU", "value": "0.25"}]'),
  },
  { title: 'memory below 4 MiB', rule: 'resource-memory-value', file: 'a.jobdef.yaml', text: ec2(VCPU1, '{type: MEMORY, value: "3"}'), line: 7, column: 29, valid: ec2(VCPU1, '{type: MEMORY, value: "4"}') },
  {
    title: 'fractional memory in an override',
    rule: 'resource-memory-value',
    file: 'w.workflow.json',
    text: override('[{"type": "MEMORY", "value": "1024.5"}]'),
    line: 4,
    column: 60,
    valid: override('[{"type": "MEMORY", "value": "1024"}]'),
  },
  { title: 'zero GPUs', rule: 'resource-gpu-value', file: 'a.jobdef.yaml', text: ec2(VCPU1, MEM2G, '{type: GPU, value: "0"}'), line: 8, column: 26, valid: ec2(VCPU1, MEM2G, '{type: GPU, value: "1"}') },
  { title: 'MEMORY listed twice', rule: 'resource-duplicate-type', file: 'a.jobdef.yaml', text: ec2(VCPU1, MEM2G, '{type: MEMORY, value: "4096"}'), line: 8, column: 14, valid: ec2(VCPU1, '{type: MEMORY, value: "4096"}') },
  { title: 'a GPU on Fargate', rule: 'resource-gpu-fargate', file: 'f.jobdef.yaml', text: fargate(VCPU1, MEM2G, '{type: GPU, value: "1"}'), line: 10, column: 7, valid: fargate(VCPU1, MEM2G) },
  {
    title: 'legacy vcpus and memory (two warnings)',
    rule: 'resource-legacy-deprecated',
    file: 'a.jobdef.json',
    text: jsonDef('', IMAGE, '"vcpus": 2', '"memory": 2048'),
    line: 6,
    column: 5,
    count: 2,
    severity: 'warning',
    valid: jsonDef('', IMAGE, RR),
  },
  { title: 'legacy memory on Fargate', rule: 'resource-legacy-fargate', file: 'f.jobdef.json', text: jsonDef('FARGATE', IMAGE, EXEC, RR, '"memory": 2048'), line: 9, column: 5, valid: jsonDef('FARGATE', IMAGE, EXEC, RR) },
  { title: 'vcpus and a VCPU requirement together', rule: 'resource-legacy-conflict', file: 'a.jobdef.json', text: jsonDef('EC2', IMAGE, RR, '"vcpus": 1'), line: 8, column: 5, valid: jsonDef('EC2', IMAGE, RR) },
  { title: 'a container job with no memory', rule: 'resource-missing', file: 'a.jobdef.yaml', text: ec2(VCPU1), line: 3, column: 1, severity: 'warning', valid: ec2(VCPU1, MEM2G) },
  {
    title: '1 vCPU with 1024 MiB on Fargate',
    rule: 'fargate-resource-combination',
    file: 'f.jobdef.yaml',
    text: fargate(VCPU1, '{type: MEMORY, value: "1024"}'),
    line: 9,
    column: 29,
    valid: fargate(VCPU1, '{type: MEMORY, value: "8192"}'),
  },
  {
    title: '3 vCPUs on Fargate',
    rule: 'fargate-resource-combination',
    file: 'f.jobdef.yaml',
    text: fargate('{type: VCPU, value: "3"}', '{type: MEMORY, value: "8192"}'),
    line: 8,
    column: 27,
    valid: fargate('{type: VCPU, value: "4"}', '{type: MEMORY, value: "30720"}'),
  },
  {
    title: '0.25 vCPU with 4096 MiB on Fargate (JSON)',
    rule: 'fargate-resource-combination',
    file: 'f.jobdef.json',
    text: jsonDef('FARGATE', IMAGE, EXEC, '"resourceRequirements": [{"type": "VCPU", "value": "0.25"},\n      {"type": "MEMORY", "value": "4096"}]'),
    line: 9,
    column: 35,
    valid: jsonDef('FARGATE', IMAGE, EXEC, '"resourceRequirements": [{"type": "VCPU", "value": "0.25"},\n      {"type": "MEMORY", "value": "512"}]'),
  },
];

describe('single-file rules: resources (unit)', () => {
  runCases(cases);
});
