import { JOBDEF_YAML, WORKFLOW_YAML, runCases, type RuleCase } from './helpers';

const deps = (n: number): string =>
  `jobs:\n${Array.from({ length: n }, (_, i) => `  j${i}: {jobDefinition: demo}\n`).join('')}  last:\n    jobDefinition: demo\n    dependsOn: [${Array.from({ length: n }, (_, i) => `{job: j${i}}`).join(', ')}]\n`;

/** A workflow job in JSON with one extra member on line 4. */
const json = (member: string): string => `{
  "jobs": {
    "step": {"jobDefinition": "demo",
      ${member}
    }
  }
}
`;

const cases: RuleCase[] = [
  { title: 'an array of one child', rule: 'array-size-range', file: 'w.workflow.yaml', text: `${WORKFLOW_YAML}    arrayProperties: {size: 1}\n`, line: 4, column: 29, valid: `${WORKFLOW_YAML}    arrayProperties: {size: 2}\n` },
  { title: 'an array of 10,001 children (JSON)', rule: 'array-size-range', file: 'w.workflow.json', text: json('"arrayProperties": {"size": 10001}'), line: 4, column: 35, valid: json('"arrayProperties": {"size": 10000}') },
  { title: '21 dependencies', rule: 'depends-on-limit', file: 'w.workflow.yaml', text: deps(21), line: 25, column: 5, valid: deps(20) },
  { title: 'an empty argument in a command override', rule: 'command-empty-argument', file: 'w.workflow.json', text: json('"containerOverrides": {"command": ["echo", ""]}'), line: 4, column: 50, valid: json('"containerOverrides": {"command": ["echo", "-"]}') },
  {
    title: 'a reserved name in a container override (JSON)',
    rule: 'env-reserved-name',
    file: 'w.workflow.json',
    text: json('"containerOverrides": {"environment": [{"name": "AWS_BATCH_CE_NAME", "value": "x"}]}'),
    line: 4,
    column: 55,
    valid: json('"containerOverrides": {"environment": [{"name": "CE_NAME", "value": "x"}]}'),
  },
  {
    title: 'a reserved name in a node override',
    rule: 'env-reserved-name',
    file: 'w.workflow.yaml',
    text: `${WORKFLOW_YAML}    nodeOverrides:\n      nodePropertyOverrides:\n        - targetNodes: "0:"\n          containerOverrides:\n            environment: [{name: AWS_BATCH_X, value: "1"}]\n`,
    line: 8,
    column: 34,
    valid: `${WORKFLOW_YAML}    nodeOverrides:\n      nodePropertyOverrides:\n        - targetNodes: "0:"\n          containerOverrides:\n            environment: [{name: X, value: "1"}]\n`,
  },
  { title: 'nodeOverrides.numNodes 0', rule: 'node-count', file: 'w.workflow.yaml', text: `${WORKFLOW_YAML}    nodeOverrides: {numNodes: 0}\n`, line: 4, column: 31, valid: `${WORKFLOW_YAML}    nodeOverrides: {numNodes: 8}\n` },
  {
    title: 'a bad targetNodes in a node override',
    rule: 'node-range-syntax',
    file: 'w.workflow.json',
    text: json('"nodeOverrides": {"nodePropertyOverrides": [{"targetNodes": "all"}]}'),
    line: 4,
    column: 67,
    valid: json('"nodeOverrides": {"nodePropertyOverrides": [{"targetNodes": "2:"}]}'),
  },
  // Names
  { title: 'a job key starting with an underscore', rule: 'name-format', file: 'w.workflow.yaml', text: 'jobs:\n  _prep:\n    jobDefinition: demo\n', line: 2, column: 3, valid: 'jobs:\n  prep_1:\n    jobDefinition: demo\n' },
  { title: 'a jobName with a space (JSON)', rule: 'name-format', file: 'w.workflow.json', text: json('"jobName": "my job"'), line: 4, column: 18, valid: json('"jobName": "my-job_2"') },
  { title: 'a jobDefinitionName with a dot', rule: 'name-format', file: 'a.jobdef.yaml', text: JOBDEF_YAML.replace('demo', 'demo.v2'), line: 1, column: 20, valid: JOBDEF_YAML.replace('demo', 'demo-v2') },
  {
    title: 'a jobQueueName of 129 characters',
    rule: 'name-format',
    file: 'q.jobqueue.json',
    text: `{\n  "jobQueueName": "${'q'.repeat(129)}",\n  "priority": 1\n}\n`,
    line: 2,
    column: 19,
    valid: `{\n  "jobQueueName": "${'q'.repeat(128)}",\n  "priority": 1\n}\n`,
  },
  {
    title: 'a computeEnvironmentName with a space',
    rule: 'name-format',
    file: 'c.computeenv.yaml',
    text: 'computeEnvironmentName: my env\ntype: UNMANAGED\n',
    line: 1,
    column: 25,
    valid: 'computeEnvironmentName: my-env\ntype: UNMANAGED\n',
  },
  // Fair share and tags
  { title: 'schedulingPriorityOverride 10000', rule: 'scheduling-priority-range', file: 'w.workflow.yaml', text: `${WORKFLOW_YAML}    schedulingPriorityOverride: 10000\n`, line: 4, column: 33, valid: `${WORKFLOW_YAML}    schedulingPriorityOverride: 9999\n` },
  { title: 'schedulingPriority -1 in a job definition', rule: 'scheduling-priority-range', file: 'a.jobdef.yaml', text: `${JOBDEF_YAML}schedulingPriority: -1\n`, line: 9, column: 21, valid: `${JOBDEF_YAML}schedulingPriority: 0\n` },
  { title: 'a hyphen in a shareIdentifier', rule: 'share-identifier-format', file: 'w.workflow.json', text: json('"shareIdentifier": "team-a"'), line: 4, column: 26, valid: json('"shareIdentifier": "teamA*"') },
  { title: 'an aws: tag key', rule: 'tag-reserved-prefix', file: 'w.workflow.yaml', text: `${WORKFLOW_YAML}    tags:\n      aws:owner: me\n`, line: 5, column: 7, valid: `${WORKFLOW_YAML}    tags:\n      owner: me\n` },
];

describe('single-file rules: workflow jobs and names (unit)', () => {
  runCases(cases);
});
