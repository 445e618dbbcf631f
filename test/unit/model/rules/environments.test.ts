import { runCases, type RuleCase } from './helpers';

const queue = (order: string, extra = ''): string => `{
  "jobQueueName": "q",
  "priority": 10,
  "computeEnvironmentOrder": ${order}${extra}
}
`;
const ORDER = (...orders: number[]): string => `[${orders.map((o, i) => `{"order": ${o}, "computeEnvironment": "ce${i}"}`).join(', ')}]`;

const limits = (seconds: number, action: string, type = ''): string => `jobQueueName: q
priority: 1
${type}computeEnvironmentOrder: [{order: 1, computeEnvironment: ce}]
jobStateTimeLimitActions:
  - reason: "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"
    state: RUNNABLE
    maxTimeSeconds: ${seconds}
    action: ${action}
`;

/** A managed EC2 compute environment (YAML); computeResources members from line 4, extra from line 8. */
const ec2 = (extra = '', type = 'EC2', role = '  instanceRole: ecsInstanceRole\n'): string => `computeEnvironmentName: ce
type: MANAGED
computeResources:
  type: ${type}
  maxvCpus: 16
  subnets: [subnet-1]
${role}${extra}`;

/** A Fargate compute environment (JSON); extra computeResources members from line 7. */
const fargate = (...extra: string[]): string => `{
  "computeEnvironmentName": "f",
  "type": "MANAGED",
  "computeResources": {
    "type": "FARGATE",
    "maxvCpus": 16,
    "subnets": ["subnet-1"]${extra.map((e) => `,\n    ${e}`).join('')}
  }
}
`;
const SG = '"securityGroupIds": ["sg-1"]';

const cases: RuleCase[] = [
  // Job queues
  { title: 'four compute environments', rule: 'queue-compute-environment-limit', file: 'q.jobqueue.json', text: queue(ORDER(1, 2, 3, 4)), line: 4, column: 3, valid: queue(ORDER(1, 2, 3)) },
  { title: 'the same order twice', rule: 'queue-order-duplicate', file: 'q.jobqueue.json', text: queue(ORDER(1, 1)), line: 4, column: 84, valid: queue(ORDER(1, 2)) },
  {
    title: 'both compute and service environment orders',
    rule: 'queue-environment-order-conflict',
    file: 'q.jobqueue.json',
    text: queue(ORDER(1), ',\n  "serviceEnvironmentOrder": [{"order": 1, "serviceEnvironment": "s"}]'),
    line: 5,
    column: 3,
    valid: queue(ORDER(1)),
  },
  { title: 'a time limit of 5 minutes', rule: 'queue-time-limit-seconds', file: 'q.jobqueue.yaml', text: limits(300, 'CANCEL'), line: 7, column: 21, valid: limits(600, 'CANCEL') },
  { title: 'a time limit over a day', rule: 'queue-time-limit-seconds', file: 'q.jobqueue.yaml', text: limits(86401, 'CANCEL'), line: 7, column: 21, valid: limits(86400, 'CANCEL') },
  { title: 'TERMINATE on a compute queue', rule: 'queue-time-limit-action', file: 'q.jobqueue.yaml', text: limits(600, 'TERMINATE'), line: 8, column: 13, valid: limits(600, 'TERMINATE', 'jobQueueType: SAGEMAKER_TRAINING\n').replace('computeEnvironmentOrder: [{order: 1, computeEnvironment: ce}]\n', '') },
  // Compute environments
  { title: 'minvCpus above maxvCpus', rule: 'ce-vcpu-bounds', file: 'c.computeenv.yaml', text: ec2('  minvCpus: 32\n'), line: 8, column: 13, valid: ec2('  minvCpus: 16\n') },
  { title: 'desiredvCpus below minvCpus', rule: 'ce-vcpu-bounds', file: 'c.computeenv.yaml', text: ec2('  minvCpus: 4\n  desiredvCpus: 2\n'), line: 9, column: 17, valid: ec2('  minvCpus: 4\n  desiredvCpus: 4\n') },
  { title: 'a MANAGED environment without computeResources', rule: 'ce-compute-resources', file: 'c.computeenv.json', text: '{"computeEnvironmentName": "c",\n "type": "MANAGED"}\n', line: 2, column: 10, valid: '{"computeEnvironmentName": "c",\n "type": "UNMANAGED"}\n' },
  { title: 'an UNMANAGED environment with computeResources', rule: 'ce-compute-resources', file: 'c.computeenv.yaml', text: ec2().replace('MANAGED', 'UNMANAGED'), line: 3, column: 1, valid: ec2() },
  { title: 'unmanagedvCpus on a MANAGED environment', rule: 'ce-unmanaged-vcpus', file: 'c.computeenv.yaml', text: `unmanagedvCpus: 8\n${ec2()}`, line: 1, column: 1, valid: 'computeEnvironmentName: u\ntype: UNMANAGED\nunmanagedvCpus: 8\n' },
  { title: 'minvCpus on Fargate', rule: 'ce-fargate-field', file: 'f.computeenv.json', text: fargate(SG, '"minvCpus": 0'), line: 9, column: 5, valid: fargate(SG) },
  { title: 'instanceTypes on Fargate', rule: 'ce-fargate-field', file: 'f.computeenv.json', text: fargate(SG, '"instanceTypes": ["optimal"]'), line: 9, column: 5, valid: fargate(SG) },
  { title: 'Fargate without security groups', rule: 'ce-fargate-security-groups', file: 'f.computeenv.json', text: fargate(), line: 5, column: 13, valid: fargate(SG) },
  {
    title: '17 subnets on Fargate',
    rule: 'ce-fargate-subnets',
    file: 'f.computeenv.json',
    text: fargate(SG).replace('["subnet-1"]', JSON.stringify(Array.from({ length: 17 }, (_, i) => `s${i}`))),
    line: 7,
    column: 5,
    valid: fargate(SG).replace('["subnet-1"]', JSON.stringify(Array.from({ length: 16 }, (_, i) => `s${i}`))),
  },
  { title: 'EC2 without an instance role', rule: 'ce-instance-role', file: 'c.computeenv.yaml', text: ec2('', 'EC2', ''), line: 4, column: 9, valid: ec2() },
  { title: 'a Spot strategy on EC2', rule: 'ce-allocation-strategy', file: 'c.computeenv.yaml', text: ec2('  allocationStrategy: SPOT_CAPACITY_OPTIMIZED\n'), line: 8, column: 23, valid: ec2('  allocationStrategy: BEST_FIT_PROGRESSIVE\n') },
  {
    title: 'bidPercentage over 100',
    rule: 'ce-bid-percentage',
    file: 'c.computeenv.yaml',
    text: ec2('  allocationStrategy: SPOT_PRICE_CAPACITY_OPTIMIZED\n  bidPercentage: 120\n', 'SPOT'),
    line: 9,
    column: 18,
    valid: ec2('  allocationStrategy: SPOT_PRICE_CAPACITY_OPTIMIZED\n  bidPercentage: 60\n', 'SPOT'),
  },
  { title: 'bidPercentage on EC2', rule: 'ce-spot-field', file: 'c.computeenv.yaml', text: ec2('  bidPercentage: 50\n'), line: 8, column: 3, severity: 'warning', valid: ec2() },
  {
    title: 'SPOT with the default BEST_FIT and no fleet role',
    rule: 'ce-spot-fleet-role',
    file: 'c.computeenv.yaml',
    text: ec2('', 'SPOT'),
    line: 4,
    column: 9,
    valid: ec2('  spotIamFleetRole: arn:aws:iam::123456789012:role/AmazonEC2SpotFleetTaggingRole\n', 'SPOT'),
  },
  // localbatch.yaml
  {
    title: 'two images with one name',
    rule: 'settings-duplicate-image',
    file: 'localbatch.yaml',
    text: 'images:\n  - name: app:dev\n    context: ./app\n  - name: app:dev\n    context: ./other\n',
    line: 4,
    column: 11,
    valid: 'images:\n  - name: app:dev\n    context: ./app\n  - name: other:dev\n    context: ./other\n',
  },
];

describe('single-file rules: job queues, compute environments, settings (unit)', () => {
  runCases(cases);
});
