/** Hover and completion in state machine files (*.asl.json|yaml): pure functions over the text. */
import assert from 'node:assert/strict';
import { SourceDocument } from '../../../../src/model/document';
import { Workspace } from '../../../../src/model/workspace';
import { aslCompletionsAt, aslHoverAt, aslPlaceOf } from '../../../../src/model/asl/editing';
import { completionsAt } from '../../../../src/model/editing/completion';

const names = { jobDefinitions: ['align', 'call'], jobQueues: ['spot', 'local'], computeEnvironments: ['ce'] };
const complete = (text: string, format: 'json' | 'yaml') => aslCompletionsAt(text.replace('|', ''), format, text.indexOf('|'), names);
const labels = (text: string, format: 'json' | 'yaml') => complete(text, format).map((c) => c.label);

const workspace = Workspace.fromDocuments([
  SourceDocument.parse('defs/align.jobdef.json', JSON.stringify({ jobDefinitionName: 'align', type: 'container', containerProperties: { image: 'busybox' } }), 'json'),
  SourceDocument.parse('defs/spot.jobqueue.json', JSON.stringify({ jobQueueName: 'spot', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] }), 'json'),
]);
/** Hover at the first occurrence of `marker` (plus `shift` characters into it). */
const hover = (text: string, format: 'json' | 'yaml', marker: string, shift = 1) => aslHoverAt(text, format, text.indexOf(marker) + shift, workspace)?.markdown;

const MACHINE = `{
  "StartAt": "Align",
  "States": {
    "Align": {
      "Type": "Task",
      "Resource": "arn:aws:states:::batch:submitJob.sync",
      "Parameters": { "JobName": "a", "JobDefinition": "align:3", "JobQueue": "spot", "Tags": { "JobQueue": "spot" } },
      "Retry": [{ "ErrorEquals": ["States.TaskFailed"], "JitterStrategy": "FULL" }],
      "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Failed" }],
      "Next": "Fan"
    },
    "Fan": {
      "Type": "Parallel",
      "Branches": [{ "StartAt": "Inner", "States": { "Inner": { "Type": "Wait", "Seconds": 1, "End": true }, "Other": { "Type": "Pass", "End": true } } }],
      "Next": "Pick"
    },
    "Pick": { "Type": "Choice", "Choices": [{ "Variable": "$.x", "IsPresent": true, "Next": "Done" }], "Default": "Done" },
    "Done": { "Type": "Succeed" },
    "Failed": { "Type": "Fail", "Error": "AlignFailed" }
  }
}`;

describe('ASL editing: hover and completion (unit)', () => {
  it('places paths: definition, state, retrier, catcher, choice rule, branch and payload', () => {
    assert.deepEqual(aslPlaceOf(['StartAt']), { where: 'machine', machine: [], field: 'StartAt' });
    assert.deepEqual(aslPlaceOf(['States', 'A', 'Next']), { where: 'state', machine: [], state: ['States', 'A'], field: 'Next' });
    assert.deepEqual(aslPlaceOf(['States', 'A', 'Retry', 0, 'MaxAttempts'])?.where, 'retrier');
    assert.deepEqual(aslPlaceOf(['States', 'A', 'Catch', 1, 'ErrorEquals', 0]), { where: 'catcher', machine: [], state: ['States', 'A'], field: 'ErrorEquals' });
    assert.deepEqual(aslPlaceOf(['States', 'A', 'Choices', 0, 'Next'])?.where, 'choiceRule');
    assert.deepEqual(aslPlaceOf(['States', 'P', 'Branches', 0, 'States', 'B', 'Type']), { where: 'state', machine: ['States', 'P', 'Branches', 0], state: ['States', 'P', 'Branches', 0, 'States', 'B'], field: 'Type' });
    assert.deepEqual(aslPlaceOf(['States', 'M', 'ItemProcessor', 'StartAt']), { where: 'machine', machine: ['States', 'M', 'ItemProcessor'], field: 'StartAt' });
    assert.deepEqual(aslPlaceOf(['States', 'A', 'Parameters', 'JobQueue'])?.where, 'payload');
  });

  it('describes field keys of the definition, states, retriers and catchers, not keys inside a payload', () => {
    assert.match(hover(MACHINE, 'json', '"StartAt"')!, /^\*\*StartAt\*\*\n\nName of the state/);
    assert.match(hover(MACHINE, 'json', '"Resource"')!, /batch:submitJob\.sync/);
    assert.match(hover(MACHINE, 'json', '"JitterStrategy"')!, /^\*\*JitterStrategy\*\*.*FULL/s);
    assert.match(hover(MACHINE, 'json', '"ErrorEquals"')!, /States\.ALL/);
    assert.match(hover(MACHINE, 'json', '"Seconds"')!, /Wait state: how many seconds/);
    assert.equal(hover(MACHINE, 'json', '"JobName"'), undefined);
    // The definition's TimeoutSeconds and a state's differ.
    assert.match(aslHoverAt('TimeoutSeconds: 5\n', 'yaml', 2)!.markdown, /an execution may run/);
  });

  it('describes a Type value and the Batch resource', () => {
    assert.match(hover(MACHINE, 'json', '"Parallel"')!, /^\*\*Parallel\*\* state\n\nRuns each of its `Branches`/);
    assert.match(hover(MACHINE, 'json', '"arn:aws:states:::batch:submitJob.sync"')!, /waits for it to end/);
    assert.equal(hover(MACHINE, 'json', '"AlignFailed"'), undefined);
  });

  it("resolves a Batch Task's JobDefinition and JobQueue in the workspace", () => {
    const jd = aslHoverAt(MACHINE, 'json', MACHINE.indexOf('"align:3"') + 2, workspace)!;
    assert.equal(jd.markdown, '**align** job definition, revision 3\n\nDefined in `defs/align.jobdef.json` (type `container`)');
    assert.deepEqual(jd.range, [MACHINE.indexOf('"align:3"'), MACHINE.indexOf('"align:3"') + 9]);
    assert.equal(hover(MACHINE, 'json', '"spot"', 2), '**spot** job queue\n\nDefined in `defs/spot.jobqueue.json`');
    assert.match(hover(MACHINE.replace('"align:3"', '"nope"'), 'json', '"nope"', 2)!, /`nope` is not defined in this workspace/);
    assert.match(hover(MACHINE.replace('"JobQueue": "spot"', '"JobQueue": "local"'), 'json', '"local"', 2)!, /^\*\*local\*\*: the built-in local job queue/);
    // Not a direct parameter of the Batch Task (inside Tags), nor a non-Batch Task: no hover.
    const tags = MACHINE.indexOf('"spot"', MACHINE.indexOf('"Tags"'));
    assert.equal(aslHoverAt(MACHINE, 'json', tags + 2, workspace), undefined);
    assert.equal(hover(MACHINE.replace('batch:submitJob.sync', 'lambda:invoke'), 'json', '"spot"', 2), undefined);
  });

  it('offers the state names of the same States object for Next, Default and StartAt (never the state itself)', () => {
    const withCursor = (from: string, to: string) => MACHINE.replace(from, to);
    assert.deepEqual(labels(withCursor('"Next": "Fan"', '"Next": "|"'), 'json'), ['Fan', 'Pick', 'Done', 'Failed']);
    assert.deepEqual(labels(withCursor('"StartAt": "Align"', '"StartAt": "|"'), 'json'), ['Align', 'Fan', 'Pick', 'Done', 'Failed']);
    assert.deepEqual(labels(withCursor('"Default": "Done"', '"Default": "|"'), 'json'), ['Align', 'Fan', 'Done', 'Failed']);
    assert.deepEqual(labels(withCursor('"Variable": "$.x", "IsPresent": true, "Next": "Done"', '"Variable": "$.x", "IsPresent": true, "Next": "|"'), 'json'), ['Align', 'Fan', 'Pick', 'Done', 'Failed']);
    assert.deepEqual(labels(withCursor('"Next": "Failed"', '"Next": "|"'), 'json'), ['Align', 'Fan', 'Pick', 'Done', 'Failed']);
    // Inside a branch: the branch's states.
    assert.deepEqual(labels(withCursor('"StartAt": "Inner"', '"StartAt": "|"'), 'json'), ['Inner', 'Other']);
    const c = complete(withCursor('"Next": "Fan"', '"Next": "F|"'), 'json');
    assert.deepEqual(c[0].insertText, '"Fan"');
    assert.deepEqual(c[0].replace, [MACHINE.indexOf('"Fan"', MACHINE.indexOf('"Next"')), MACHINE.indexOf('"Fan"', MACHINE.indexOf('"Next"')) + 3]);
  });

  it('offers state types, unlisted States.* errors, Batch resource ARNs and the workspace definitions (YAML, half-typed)', () => {
    const yaml = 'StartAt: A\nStates:\n  A:\n    Type: |\n';
    assert.deepEqual(labels(yaml, 'yaml'), ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map']);
    const retry = 'StartAt: A\nStates:\n  A:\n    Type: Task\n    Retry:\n      - ErrorEquals: [States.Timeout, |]\n';
    const errors = labels(retry, 'yaml');
    assert.ok(errors.includes('States.TaskFailed') && errors.includes('States.ALL'));
    assert.ok(!errors.includes('States.Timeout'));
    assert.ok(errors.every((e) => e.startsWith('States.')));
    const resources = complete('StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: |\n', 'yaml');
    // Batch's first, then the other service integrations AWS's ASL schema lists, each saying whether it runs locally.
    assert.deepEqual(resources.slice(0, 2).map((c) => c.label), ['arn:aws:states:::batch:submitJob.sync', 'arn:aws:states:::batch:submitJob']);
    const detail = Object.fromEntries(resources.map((c) => [c.label, c.detail]));
    assert.equal(new Set(resources.map((c) => c.label)).size, resources.length, 'each once');
    assert.deepEqual([detail['arn:aws:states:::sns:publish'], detail['arn:aws:states:::events:putEvents'], detail['arn:aws:states:::lambda:invoke'], detail['arn:aws:states:::ecs:runTask.sync']], ['runs on the local emulator', 'runs on the local emulator', 'locally only with a mock file', 'locally only with a mock file']);
    assert.ok(!detail['arn:aws:states:::s3:getObject'], 'ItemReader resources are not offered for a Task');
    const batch = 'StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::batch:submitJob\n    Parameters:\n      JobDefinition: |\n      JobQueue: spot\n    End: true\n';
    assert.deepEqual(labels(batch, 'yaml'), ['align', 'call']);
    assert.deepEqual(labels(batch.replace('|', 'al').replace('JobQueue: spot', 'JobQueue: |'), 'yaml'), ['local', 'spot']);
    assert.deepEqual(labels(batch.replace('batch:submitJob', 'lambda:invoke'), 'yaml'), []);
    assert.deepEqual(labels('{"States": {"A": {"Type": "Task", "Parameters": {"JobDefinition": "|"}}}}', 'json'), []);
  });

  it('offers the field names a state of its Type and query language takes, not those already set', () => {
    const wait = 'StartAt: A\nStates:\n  A:\n    Type: Wait\n    Seconds: 3\n    T|\n';
    assert.deepEqual(labels(wait, 'yaml'), ['Comment', 'QueryLanguage', 'SecondsPath', 'Timestamp', 'TimestampPath', 'InputPath', 'OutputPath', 'Assign', 'Next', 'End']);
    const jsonata = 'QueryLanguage: JSONata\nStartAt: A\nStates:\n  A:\n    Type: Task\n    R|\n';
    const fields = labels(jsonata, 'yaml');
    assert.ok(fields.includes('Arguments') && fields.includes('Output') && fields.includes('Retry'));
    assert.ok(!fields.includes('Parameters') && !fields.includes('ResultPath') && !fields.includes('Type'));
    assert.ok(!labels(jsonata.replace('JSONata', 'JSONPath'), 'yaml').includes('Arguments'));
    const retrier = complete('{"StartAt": "A", "States": {"A": {"Type": "Task", "Retry": [{"ErrorEquals": ["States.ALL"], ""}]}}}'.replace('""', '"|"'), 'json');
    assert.deepEqual(retrier.map((c) => c.label), ['IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment']);
    assert.equal(retrier[0].insertText, '"IntervalSeconds"');
    assert.equal(retrier[0].detail, 'Seconds before the first retry (default 1).');
    assert.deepEqual(labels('{"StartAt": "A", "|"}', 'json'), ['States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage']);
  });

  it('offers a Choice rule\'s fields by query language and depth: a JSONPath rule one operator, Next and Assign only at the top', () => {
    const rule = (fields: string, language = 'JSONPath') => labels(`{"QueryLanguage": "${language}", "StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [${fields}], "Default": "D"}, "D": {"Type": "Succeed"}}}`, 'json');
    const empty = rule('{"|"}');
    for (const k of ['Variable', 'StringEquals', 'NumericLessThanEqualsPath', 'BooleanEquals', 'TimestampGreaterThan', 'StringMatches', 'IsPresent', 'IsNull', 'And', 'Or', 'Not', 'Next', 'Assign', 'Comment']) assert.ok(empty.includes(k), `${k} in ${empty.join(',')}`);
    assert.ok(!empty.includes('Condition') && !empty.includes('BooleanGreaterThan'));
    // Once the rule has its operator, no other; those set are not offered again.
    assert.deepEqual(rule('{"Variable": "$.x", "StringEquals": "a", "|"}'), ['Assign', 'Next', 'Comment']);
    // Inside And / Not: a rule without Next or Assign.
    const nested = rule('{"And": [{"|"}], "Next": "D"}');
    assert.ok(nested.includes('Variable') && nested.includes('IsString') && !nested.includes('Next') && !nested.includes('Assign'), nested.join(','));
    assert.ok(!rule('{"Not": {"|"}, "Next": "D"}').includes('Next'));
    // Not a rule: the keys inside a rule's Assign.
    assert.deepEqual(rule('{"Variable": "$.x", "IsPresent": true, "Assign": {"|"}, "Next": "D"}'), []);
    // JSONata: Condition, not Variable or operators.
    assert.deepEqual(rule('{"|"}', 'JSONata').sort(), ['Assign', 'Comment', 'Condition', 'Next']);
    const yaml = labels('StartAt: C\nStates:\n  C:\n    Type: Choice\n    Choices:\n      - Variable: $.n\n        Num|\n', 'yaml');
    assert.ok(yaml.includes('NumericGreaterThan') && !yaml.includes('Variable'), yaml.join(','));
  });

  it('describes Choice rule fields and operators, and whether a Task resource runs locally', () => {
    assert.match(hover(MACHINE, 'json', '"Variable"')!, /^\*\*Variable\*\* \(Choice rule\)\n\nJSONPath rules: the path/);
    assert.match(hover(MACHINE, 'json', '"IsPresent"')!, /^\*\*IsPresent\*\* \(Choice rule\)\n\n`true`: matches when the Variable's value exists/);
    const compare = MACHINE.replace('"IsPresent": true', '"NumericGreaterThanEqualsPath": "$.min"');
    assert.match(hover(compare, 'json', '"NumericGreaterThanEqualsPath"')!, /is a number greater than or equal to the value at the reference path/);
    assert.match(hover(MACHINE.replace('"IsPresent": true', '"TimestampLessThan": "2026-01-01T00:00:00Z"'), 'json', '"TimestampLessThan"')!, /is a timestamp \(RFC 3339.*less than the value given here/);
    assert.equal(hover(MACHINE.replace('"IsPresent": true', '"BooleanLessThan": true'), 'json', '"BooleanLessThan"'), undefined);
    assert.match(hover(MACHINE.replace('"Next": "Done" }]', '"Next": "Done" }, { "Not": { "Variable": "$.y", "IsNull": true }, "Next": "Done" }]'), 'json', '"Not"')!, /matches when that rule does not/);
    assert.match(hover(MACHINE.replace('batch:submitJob.sync', 'lambda:invoke'), 'json', 'lambda:invoke')!, /^\*\*lambda:invoke\*\*\n\nThe local emulator does not run this service: .*mock file/);
    assert.match(hover(MACHINE.replace('batch:submitJob.sync', 'sns:publish'), 'json', 'sns:publish')!, /Runs on the local emulator's own SNS/);
    assert.match(hover(MACHINE.replace('batch:submitJob.sync', 'aws-sdk:s3:putObject'), 'json', 'aws-sdk:s3:putObject')!, /own S3/);
  });

  it('is what the shared completion gives for state machine files', () => {
    const text = '{"StartAt": "", "States": {"A": {"Type": "Pass", "End": true}}}';
    assert.deepEqual(completionsAt(text, 'json', 'stateMachine', text.indexOf('""') + 1, names).map((c) => c.label), ['A']);
  });
});
