import { JOBDEF_YAML, WORKFLOW_YAML, runCases, type RuleCase } from './helpers';

const six = Array.from({ length: 6 }, (_, i) => `    - {onExitCode: "${i}", action: RETRY}\n`).join('');
const five = Array.from({ length: 5 }, (_, i) => `    - {onExitCode: "${i}", action: RETRY}\n`).join('');

const json = (retry: string): string => `{
  "jobs": {
    "step": {
      "jobDefinition": "demo",
      "retryStrategy": ${retry}
    }
  }
}
`;

const cases: RuleCase[] = [
  {
    title: 'attempts above 10 in a job definition (YAML)',
    rule: 'retry-attempts-range',
    file: 'a.jobdef.yaml',
    text: `${JOBDEF_YAML}retryStrategy:\n  attempts: 11\n`,
    line: 10,
    column: 13,
    valid: `${JOBDEF_YAML}retryStrategy:\n  attempts: 10\n`,
  },
  {
    title: 'attempts 0 in a workflow job (JSON)',
    rule: 'retry-attempts-range',
    file: 'w.workflow.json',
    text: json('{ "attempts": 0 }'),
    line: 5,
    column: 38,
    valid: json('{ "attempts": 1 }'),
  },
  {
    title: 'six evaluateOnExit conditions',
    rule: 'retry-evaluate-on-exit-limit',
    file: 'a.jobdef.yaml',
    text: `${JOBDEF_YAML}retryStrategy:\n  attempts: 3\n  evaluateOnExit:\n${six}`,
    line: 11,
    column: 3,
    valid: `${JOBDEF_YAML}retryStrategy:\n  attempts: 3\n  evaluateOnExit:\n${five}`,
  },
  {
    title: 'evaluateOnExit without attempts (AWS: RetryAttempts must be provided)',
    rule: 'retry-attempts-required',
    file: 'w.workflow.json',
    text: json('{ "evaluateOnExit": [{ "onExitCode": "1", "action": "EXIT" }] }'),
    line: 5,
    column: 26,
    valid: json('{ "attempts": 2, "evaluateOnExit": [{ "onExitCode": "1", "action": "EXIT" }] }'),
  },
  {
    title: 'onExitCode with a letter',
    rule: 'retry-pattern',
    file: 'a.jobdef.yaml',
    text: `${JOBDEF_YAML}retryStrategy:\n  attempts: 2\n  evaluateOnExit:\n    - action: EXIT\n      onExitCode: "1a"\n`,
    line: 13,
    column: 19,
    valid: `${JOBDEF_YAML}retryStrategy:\n  attempts: 2\n  evaluateOnExit:\n    - action: EXIT\n      onExitCode: "13*"\n`,
  },
  {
    title: 'an asterisk in the middle of onReason',
    rule: 'retry-pattern',
    file: 'w.workflow.yaml',
    text: `${WORKFLOW_YAML}    retryStrategy:\n      attempts: 2\n      evaluateOnExit:\n        - {onReason: "Host*EC2", action: RETRY}\n`,
    line: 7,
    column: 22,
    valid: `${WORKFLOW_YAML}    retryStrategy:\n      attempts: 2\n      evaluateOnExit:\n        - {onReason: "Host EC2*", action: RETRY}\n`,
  },
  {
    title: 'onStatusReason with a character outside letters, digits, . : and spaces',
    rule: 'retry-pattern',
    file: 'w.workflow.json',
    text: json('{ "attempts": 2, "evaluateOnExit": [{ "onStatusReason": "Host EC2 (instance*", "action": "RETRY" }] }'),
    line: 5,
    column: 80,
    valid: json('{ "attempts": 2, "evaluateOnExit": [{ "onStatusReason": "Host EC2:*", "action": "RETRY" }] }'),
  },
  {
    title: 'a pattern longer than 512 characters',
    rule: 'retry-pattern',
    file: 'a.jobdef.yaml',
    text: `${JOBDEF_YAML}retryStrategy:\n  attempts: 2\n  evaluateOnExit:\n    - {onExitCode: "${'1'.repeat(513)}", action: EXIT}\n`,
    line: 12,
    column: 20,
    valid: `${JOBDEF_YAML}retryStrategy:\n  attempts: 2\n  evaluateOnExit:\n    - {onExitCode: "${'1'.repeat(512)}", action: EXIT}\n`,
  },
  {
    title: 'a timeout under 60 seconds in a job definition',
    rule: 'timeout-minimum',
    file: 'a.jobdef.yaml',
    text: `${JOBDEF_YAML}timeout:\n  attemptDurationSeconds: 59\n`,
    line: 10,
    column: 27,
    valid: `${JOBDEF_YAML}timeout:\n  attemptDurationSeconds: 60\n`,
  },
  {
    title: 'a timeout under 60 seconds at submit time (JSON)',
    rule: 'timeout-minimum',
    file: 'w.workflow.json',
    text: '{"jobs": {"s": {"jobDefinition": "d",\n  "timeout": {"attemptDurationSeconds": 0}}}}\n',
    line: 2,
    column: 41,
    valid: '{"jobs": {"s": {"jobDefinition": "d",\n  "timeout": {"attemptDurationSeconds": 86400}}}}\n',
  },
];

describe('single-file rules: retries and timeouts (unit)', () => {
  runCases(cases);
});
