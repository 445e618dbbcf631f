import { JOBDEF_YAML, runCases, type RuleCase } from './helpers';

const RES = 'resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "1024"}]';

/** A multinode job definition; node range i starts at line 7 + 4i. */
const mnp = (numNodes: number, mainNode: number, ...targets: string[]): string =>
  `jobDefinitionName: mnp
type: multinode
nodeProperties:
  numNodes: ${numNodes}
  mainNode: ${mainNode}
  nodeRangeProperties:
${targets.map((t) => `    - targetNodes: "${t}"\n      container:\n        image: busybox\n        ${RES}\n`).join('')}`;

/** An EC2 container job definition (YAML) with the given command and parameters. */
const withCommand = (command: string, params = ''): string =>
  `jobDefinitionName: demo
type: container
${params}containerProperties:
  image: busybox
  command: ${command}
  ${RES}
`;

/** A Fargate job definition (JSON) with extra containerProperties members from line 8. */
const fargateJson = (...extra: string[]): string => `{
  "jobDefinitionName": "f",
  "type": "container",
  "platformCapabilities": ["FARGATE"],
  "containerProperties": {
    "image": "busybox",
    "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "2048"}]${extra.map((e) => `,\n    ${e}`).join('')}
  }
}
`;
const EXEC = '"executionRoleArn": "arn:aws:iam::123456789012:role/exec"';

const eks = (extra: string, env: string): string => `jobDefinitionName: k
type: container
${extra}eksProperties:
  podProperties:
    containers:
      - image: busybox
        env: [{name: ${env}, value: "1"}]
`;

const cases: RuleCase[] = [
  // Shape
  { title: 'a container job with nothing to run', rule: 'job-definition-shape', file: 'a.jobdef.yaml', text: 'jobDefinitionName: x\ntype: container\n', line: 2, column: 7, valid: JOBDEF_YAML },
  {
    title: 'a container with no image',
    rule: 'container-image',
    file: 'n.jobdef.yaml',
    text: `jobDefinitionName: n\ntype: container\ncontainerProperties:\n  command: [echo, hi]\n  ${RES}\n`,
    line: 3,
    column: 1,
    valid: withCommand('[echo, hi]'),
  },
  {
    title: 'a multinode job with top-level containerProperties',
    rule: 'job-definition-shape',
    file: 'm.jobdef.yaml',
    text: `${mnp(2, 0, '0:')}containerProperties:\n  image: busybox\n`,
    line: 11,
    column: 1,
    valid: mnp(2, 0, '0:'),
  },
  {
    title: 'nodeProperties in a container job (JSON)',
    rule: 'job-definition-shape',
    file: 'c.jobdef.json',
    text: '{\n  "jobDefinitionName": "x",\n  "type": "container",\n  "containerProperties": {"image": "busybox", "vcpus": 1, "memory": 4},\n  "nodeProperties": {"numNodes": 1, "mainNode": 0, "nodeRangeProperties": []}\n}\n',
    line: 5,
    column: 3,
    valid: '{\n  "jobDefinitionName": "x",\n  "type": "container",\n  "containerProperties": {"image": "busybox", "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "4"}]}\n}\n',
  },
  {
    title: 'a definition over 24 KiB',
    rule: 'job-definition-size',
    file: 'big.jobdef.yaml',
    text: withCommand(`[echo, "${'x'.repeat(25_000)}"]`),
    line: 1,
    column: 1,
    valid: withCommand(`[echo, "${'x'.repeat(23_000)}"]`),
  },
  // Fargate
  { title: 'a multinode job on Fargate', rule: 'fargate-multinode', file: 'm.jobdef.yaml', text: mnp(2, 0, '0:').replace('type: multinode\n', 'type: multinode\nplatformCapabilities: [FARGATE]\n'), line: 2, column: 7, valid: mnp(2, 0, '0:').replace('type: multinode\n', 'type: multinode\nplatformCapabilities: [EC2]\n') },
  {
    title: 'networkConfiguration on EC2',
    rule: 'fargate-only-field',
    file: 'a.jobdef.yaml',
    text: `${JOBDEF_YAML}  networkConfiguration: {assignPublicIp: ENABLED}\n`,
    line: 9,
    column: 3,
    valid: JOBDEF_YAML,
  },
  { title: 'privileged on Fargate', rule: 'fargate-unsupported-field', file: 'f.jobdef.json', text: fargateJson(EXEC, '"privileged": true'), line: 9, column: 5, severity: 'warning', valid: fargateJson(EXEC, '"privileged": false') },
  { title: 'no execution role on Fargate', rule: 'fargate-execution-role', file: 'f.jobdef.json', text: fargateJson(), line: 5, column: 3, severity: 'warning', valid: fargateJson(EXEC) },
  { title: 'propagateTags in an EKS job definition', rule: 'eks-unsupported-field', file: 'k.jobdef.yaml', text: eks('propagateTags: true\n', 'MODE'), line: 3, column: 1, valid: eks('', 'MODE') },
  // Parameters
  {
    title: 'Ref::input with no default',
    rule: 'parameter-no-default',
    file: 'a.jobdef.yaml',
    text: withCommand('[process, Ref::input, --out, Ref::output]', 'parameters:\n  output: s3://bucket/out\n'),
    line: 7,
    column: 22,
    severity: 'warning',
    valid: withCommand('[process, Ref::input, --out, Ref::output]', 'parameters:\n  output: s3://bucket/out\n  input: s3://bucket/in\n'),
  },
  {
    title: 'a placeholder inside a longer argument of a node range container (JSON)',
    rule: 'parameter-no-default',
    file: 'm.jobdef.json',
    text: '{"jobDefinitionName": "m", "type": "multinode",\n "nodeProperties": {"numNodes": 1, "mainNode": 0, "nodeRangeProperties": [{"targetNodes": "0:", "container": {\n  "image": "busybox", "vcpus": 1, "memory": 512,\n  "command": ["run", "--size=Ref::size"]}}]}}\n',
    line: 4,
    column: 22,
    severity: 'warning',
    valid: '{"jobDefinitionName": "m", "type": "multinode", "parameters": {"size": "3"},\n "nodeProperties": {"numNodes": 1, "mainNode": 0, "nodeRangeProperties": [{"targetNodes": "0:", "container": {\n  "image": "busybox", "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "512"}],\n  "command": ["run", "--size=Ref::size"]}}]}}\n',
  },
  // Environment
  {
    title: 'AWS_BATCH_ prefix in containerProperties.environment',
    rule: 'env-reserved-name',
    file: 'a.jobdef.yaml',
    text: `${JOBDEF_YAML}  environment:\n    - {name: AWS_BATCH_JOB_ID, value: x}\n`,
    line: 10,
    column: 14,
    valid: `${JOBDEF_YAML}  environment:\n    - {name: MY_JOB_ID, value: x}\n`,
  },
  { title: 'AWS_BATCH prefix in an EKS container', rule: 'env-reserved-name', file: 'k.jobdef.yaml', text: eks('', 'AWS_BATCHX'), line: 7, column: 22, valid: eks('', 'NOT_AWS_BATCH') },
  {
    title: 'the same variable twice',
    rule: 'env-duplicate-name',
    file: 'a.jobdef.yaml',
    text: `${JOBDEF_YAML}  environment:\n    - {name: MODE, value: a}\n    - {name: MODE, value: b}\n`,
    line: 11,
    column: 14,
    severity: 'warning',
    valid: `${JOBDEF_YAML}  environment:\n    - {name: MODE, value: a}\n    - {name: LEVEL, value: b}\n`,
  },
  // Multi-node
  { title: 'zero nodes', rule: 'node-count', file: 'm.jobdef.yaml', text: mnp(0, 0, '0:'), line: 4, column: 13, valid: mnp(1, 0, '0:') },
  { title: 'mainNode equal to numNodes', rule: 'node-main-index', file: 'm.jobdef.yaml', text: mnp(4, 4, '0:'), line: 5, column: 13, valid: mnp(4, 3, '0:') },
  { title: 'a dash instead of a colon', rule: 'node-range-syntax', file: 'm.jobdef.yaml', text: mnp(4, 0, '0-3'), line: 7, column: 20, valid: mnp(4, 0, '0:3') },
  { title: 'a range past the last node', rule: 'node-range-bounds', file: 'm.jobdef.yaml', text: mnp(4, 0, '0:1', '2:4'), line: 11, column: 20, valid: mnp(4, 0, '0:1', '2:3') },
  { title: 'a range that ends before it starts', rule: 'node-range-bounds', file: 'm.jobdef.yaml', text: mnp(4, 0, ':', '3:1'), line: 11, column: 20, valid: mnp(4, 0, ':', '1:3') },
  { title: 'node 2 in no range', rule: 'node-range-coverage', file: 'm.jobdef.yaml', text: mnp(4, 0, '0:1', '3:'), line: 6, column: 3, valid: mnp(4, 0, '0:1', '2:') },
  { title: 'nested ranges cover every node', rule: 'node-range-coverage', file: 'm.jobdef.yaml', text: mnp(6, 0, '0:3', '1:2'), line: 6, column: 3, valid: mnp(6, 0, '0:5', '1:2') },
  {
    title: 'a node range without a container',
    rule: 'node-range-properties',
    file: 'm.jobdef.yaml',
    text: `${mnp(2, 0, '0:0')}    - targetNodes: "1:1"\n      instanceTypes: [c5.large]\n`,
    line: 11,
    column: 7,
    valid: mnp(2, 0, '0:0', '1:1'),
  },
];

describe('single-file rules: job definitions (unit)', () => {
  runCases(cases);
});
