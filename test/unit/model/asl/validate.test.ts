/** State machine files (*.asl.json|yaml) checked at their lines: structure, expressions, Batch Tasks. */
import assert from 'node:assert/strict';
import type { Diagnostic } from '../../../../src/model/diagnostics';
import { validateWorkspace } from '../../../../src/model/validation/index';
import { quickFixesFor } from '../../../../src/model/editing/quick-fixes';

const JOBDEF = { path: 'defs/align.jobdef.json', text: JSON.stringify({ jobDefinitionName: 'align', type: 'container', containerProperties: { image: 'busybox', command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '512' }] } }) };
const QUEUE = { path: 'defs/spot.jobqueue.json', text: JSON.stringify({ jobQueueName: 'spot', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] }) };
const CE = { path: 'defs/ce.computeenv.json', text: JSON.stringify({ computeEnvironmentName: 'ce', type: 'MANAGED', computeResources: { type: 'SPOT', maxvCpus: 4, subnets: ['subnet-1'], securityGroupIds: ['sg-1'], instanceTypes: ['optimal'] } }) };

function check(file: string, text: string, extra = [JOBDEF, QUEUE, CE]): Diagnostic[] {
  return validateWorkspace([{ path: file, text }, ...extra]).filter((d) => d.file === file);
}
const at = (d: Diagnostic) => `${d.range.start.line + 1}:${d.rule}`;

const GOOD = `{
  "StartAt": "Align",
  "States": {
    "Align": {
      "Type": "Task",
      "Resource": "arn:aws:states:::batch:submitJob.sync",
      "Parameters": { "JobName": "align", "JobDefinition": "align", "JobQueue": "spot", "Parameters": { "sample.$": "$.sample" } },
      "Retry": [{ "ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2 }],
      "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Failed" }],
      "Next": "Done"
    },
    "Done": { "Type": "Succeed" },
    "Failed": { "Type": "Fail", "Error": "AlignFailed" }
  }
}`;

describe('state machine validation (ASL files)', () => {
  it('accepts a good definition that uses the workspace job definition and queue', () => {
    assert.deepEqual(check('flows/align.asl.json', GOOD), []);
  });

  it('reports a misspelt JobDefinition once, at its line, with a quick fix', () => {
    const text = GOOD.replace('"JobDefinition": "align"', '"JobDefinition": "alignn"');
    const diags = check('flows/align.asl.json', text);
    assert.deepEqual(diags.map(at), ['7:unknown-job-definition']);
    assert.equal(diags[0].suggestion, 'align');
    const [fix] = quickFixesFor(diags[0], text);
    assert.equal(fix.edits[0].newText, '"align"');
    assert.equal(diags[0].range.start.column, text.split('\n')[6].indexOf('"alignn"'));
  });

  it('reports an unknown queue with the closest name (local included)', () => {
    const diags = check('flows/align.asl.json', GOOD.replace('"JobQueue": "spot"', '"JobQueue": "spott"'));
    assert.deepEqual(diags.map((d) => [at(d), d.suggestion]), [['7:unknown-job-queue', 'spot']]);
    assert.deepEqual(check('flows/align.asl.json', GOOD.replace('"JobQueue": "spot"', '"JobQueue": "local"')), []);
  });

  it('reports an unknown Next with did-you-mean, and the state it leaves unreachable', () => {
    const diags = check('flows/align.asl.json', GOOD.replace('"Next": "Done"', '"Next": "Don"'));
    assert.deepEqual(diags.map(at), ['10:asl-unknown-state', '12:asl-unreachable']);
    assert.equal(diags[0].suggestion, 'Done');
  });

  it('one misspelt Next is one unknown state and one unreachable state, however many states follow; a bad Type hides neither', () => {
    const pass = (next?: string) => ({ Type: 'Pass', ...(next ? { Next: next } : { End: true }) });
    const chain = { StartAt: 'A', States: { A: pass('Procss'), Process: pass('Report'), Report: pass('Notify'), Notify: pass('Done'), Done: { Type: 'Succeed' } } };
    const rules = (def: unknown) => check('flows/c.asl.json', JSON.stringify(def, null, 2)).map((d) => `${d.rule}:${d.message}`);
    assert.deepEqual(rules(chain), [
      "asl-unknown-state:Next 'Procss' is not a state of this state machine (did you mean 'Process'?)",
      "asl-unreachable:The state 'Process' cannot be reached: no StartAt, Next, Default or Catch names it (nor the 3 state(s) after it)",
    ]);
    const typed = { ...chain, States: { ...chain.States, A: { Type: 'Taks', Next: 'Procss' } } };
    assert.deepEqual(rules(typed).map((r) => r.split(':')[0]), ['asl-state-type', 'asl-unknown-state', 'asl-unreachable']);
    // A loop that nothing reaches: its first state.
    const loop = { StartAt: 'A', States: { A: pass(), L1: pass('L2'), L2: pass('L1') } };
    assert.deepEqual(rules(loop), ["asl-unreachable:The state 'L1' cannot be reached: only states after it name it (a loop nothing enters) (nor the 1 state(s) after it)"]);
    // A state the loop leads to, declared before it, is not taken for the loop's start.
    const exit = { StartAt: 'A', States: { A: pass(), X: pass(), L1: pass('L2'), L2: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'L1' }], Default: 'X' } } };
    assert.deepEqual(rules(exit).map((r) => r.split(' cannot')[0]), ["asl-unreachable:The state 'L1'"]);
  });

  it('reports a missing Next/End, unknown States.* errors and States.ALL not last', () => {
    const text = GOOD.replace(',\n      "Next": "Done"', '').replace('"States.TaskFailed"', '"States.TaskFail"').replace('[{ "ErrorEquals": ["States.ALL"], "Next": "Failed" }]', '[{ "ErrorEquals": ["States.ALL"], "Next": "Failed" }, { "ErrorEquals": ["X"], "Next": "Failed" }]');
    const diags = check('flows/align.asl.json', text);
    assert.deepEqual(diags.map(at), ['4:asl-missing-transition', '8:asl-unknown-error', '9:asl-states-all-last', '11:asl-unreachable']);
    assert.equal(diags[1].suggestion, 'States.TaskFailed');
  });

  it('checks JSONPath syntax, reference paths and intrinsic arity', () => {
    const text = `StartAt: P
States:
  P:
    Type: Pass
    InputPath: $.a[
    ResultPath: $.items[*]
    Parameters:
      ok.$: States.Format('{}', $.x)
      arity.$: States.ArrayLength($.a, $.b)
      unknown.$: States.Nope(1)
    End: true
`;
    assert.deepEqual(check('p.asl.yaml', text).map(at), ['5:asl-jsonpath', '6:asl-jsonpath', '9:asl-intrinsic', '10:asl-intrinsic']);
    // A path may end with one of Jayway's functions (not a reference path; not another function, not mid-path).
    const fns = `StartAt: P
States:
  P:
    Type: Pass
    Parameters:
      n.$: $.items.length()
      s.$: $.nums[*].sum()
      bad.$: $.items.size(2)
      mid.$: $.items.length().x
      nope.$: $.items.count()
    ResultPath: $.n.length()
    End: true
`;
    const found = check('f.asl.yaml', fns);
    assert.deepEqual(found.map(at), ['8:asl-jsonpath', '9:asl-jsonpath', '10:asl-jsonpath', '11:asl-jsonpath']);
    assert.match(found[2]!.message, /'count\(\)' is not a JSONPath function: length\(\), size\(\)/);
    assert.match(found[3]!.message, /cannot hold a function/);
  });

  it('checks JSONata expressions and JSONPath-only fields in JSONata states', () => {
    const text = JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $states.input.a + %}', InputPath: '$.x', End: true } } }, null, 2);
    assert.deepEqual(check('p.asl.json', text).map((d) => d.rule).sort(), ['asl-jsonata', 'asl-query-language']);
    const ok = JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $states.input.a + 1 %}', End: true } } });
    assert.deepEqual(check('p.asl.json', ok), []);
  });

  it('checks Choice rule shapes and Batch parameters', () => {
    const def = {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThen: 1, Next: 'T' }, { And: [{ Variable: '$.a', IsPresent: true, Next: 'T' }], Next: 'T' }], Default: 'T' },
        T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob', Parameters: { JobName: 'x', JobDefinition: 'align', JobQue: 'spot' }, End: true },
      },
    };
    const diags = check('c.asl.json', JSON.stringify(def, null, 2));
    const rules = diags.map((d) => [d.rule, d.suggestion]);
    assert.deepEqual(rules, [
      ['asl-choice-rule', undefined], // the rule then has no comparison (at the rule)
      ['asl-choice-rule', 'NumericGreaterThan'],
      ['asl-choice-rule', undefined], // Next inside And
      ['asl-batch-parameter', undefined], // JobQueue missing
      ['asl-batch-parameter', 'JobQueue'],
    ]);
  });

  it('checks Parallel branches and Map processors as levels of their own', () => {
    const def = {
      StartAt: 'M',
      States: {
        M: { Type: 'Map', ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', Next: 'Y' } } }, Next: 'P' },
        P: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Pas', End: true } } }], End: true },
      },
    };
    const diags = check('m.asl.json', JSON.stringify(def, null, 2));
    assert.deepEqual(diags.map((d) => [d.rule, d.suggestion]), [['asl-unknown-state', 'X'], ['asl-state-type', 'Pass']]);
  });

  it('checks number fields: MaxConcurrency, Wait Seconds, TimeoutSeconds and HeartbeatSeconds, retriers (asl-number)', () => {
    const def = {
      StartAt: 'M',
      States: {
        M: { Type: 'Map', MaxConcurrency: -1, ToleratedFailurePercentage: 150, ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1.5, End: true } } }, Next: 'T' },
        T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 10, HeartbeatSeconds: 10, Retry: [{ ErrorEquals: ['States.ALL'], BackoffRate: 0.5, IntervalSeconds: 0 }], End: true },
      },
    };
    const diags = check('flows/n.asl.json', JSON.stringify(def, null, 2));
    const numbers = diags.filter((d) => d.rule === 'asl-number').map((d) => d.message.split(' of the state')[0]);
    assert.deepEqual(numbers.sort(), ['BackoffRate', 'HeartbeatSeconds', 'IntervalSeconds', 'MaxConcurrency', 'Seconds', 'ToleratedFailurePercentage']);
    const fine = { StartAt: 'M', States: { M: { Type: 'Map', MaxConcurrency: 0, ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 0, End: true } } }, End: true } } };
    assert.deepEqual(check('flows/fine.asl.json', JSON.stringify(fine)).filter((d) => d.rule === 'asl-number'), []);
    // A value that is not a number is refused too; a JSONata expression is checked when it runs.
    const words = { StartAt: 'M', States: { M: { Type: 'Map', MaxConcurrency: 'two', ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 'ten', Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 'three' }], End: true } } }, End: true } } };
    const wordy = check('flows/w.asl.json', JSON.stringify(words, null, 2)).filter((d) => d.rule === 'asl-number').map((d) => d.message);
    assert.deepEqual(wordy.sort(), [
      `MaxAttempts of the state 'T' must be a whole number of 0 or more, not "three"`,
      `MaxConcurrency of the state 'M' must be a whole number of 0 or more, not "two"`,
      `TimeoutSeconds of the state 'T' must be a whole number of 1 or more, not "ten"`,
    ]);
    const jsonata = { QueryLanguage: 'JSONata', StartAt: 'M', States: { M: { Type: 'Map', MaxConcurrency: '{% $states.input.n %}', ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Pass', End: true } } }, End: true } } };
    assert.deepEqual(check('flows/j.asl.json', JSON.stringify(jsonata)).filter((d) => d.rule === 'asl-number'), []);
    // A template value not resolved locally is reported where the template is read, not here again.
    const unresolved = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: "unresolved:Parameter 'WaitSecs' has no Default", Next: 'V' }, V: { Type: 'Wait', Timestamp: "unresolved:Parameter 'Deadline' has no Default", End: true } } };
    assert.deepEqual(check('flows/u.asl.json', JSON.stringify(unresolved)).filter((d) => d.rule === 'asl-number' || d.rule === 'asl-timestamp'), []);
  });

  it('reports a field a state type, state machine or branch does not take (asl-unknown-field), with a quick fix to the closest', () => {
    const text = `{
  "StartAt": "A",
  "TimeoutSecond": 60,
  "States": {
    "A": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retyr": [], "Next": "B" },
    "B": { "Type": "Pass", "Result": 1, "ResultPath": "$.r", "Assign": { "x": 1 }, "TimeoutSeconds": 5, "Next": "C" },
    "C": { "Type": "Parallel", "Branches": [{ "StartAt": "D", "States": { "D": { "Type": "Succeed", "Output": 1 } }, "Bogus": true }], "End": true }
  }
}`;
    const ds = check('sm.asl.json', text).filter((d) => d.rule === 'asl-unknown-field');
    assert.deepEqual(ds.map(at), ['3:asl-unknown-field', '5:asl-unknown-field', '6:asl-unknown-field', '7:asl-unknown-field']);
    assert.match(ds[0].message, /A state machine takes no field 'TimeoutSecond' \(did you mean 'TimeoutSeconds'\?\)/);
    assert.match(ds[1].message, /A Task state takes no field 'Retyr' \(did you mean 'Retry'\?\)/);
    assert.match(ds[2].message, /A Pass state takes no field 'TimeoutSeconds'/);
    assert.match(ds[3].message, /A branch takes no field 'Bogus'/);
    assert.deepEqual(check('good.asl.json', GOOD).filter((d) => d.rule === 'asl-unknown-field'), [], 'every field of the good definition is one its type takes');
    const fix = quickFixesFor(ds[1], text);
    assert.ok(fix.some((f) => f.edits.some((e) => e.newText.includes('Retry'))), JSON.stringify(fix));
  });

  it('gives YAML files their lines', () => {
    const text = 'StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: B\n';
    assert.deepEqual(check('a.asl.yml', text).map(at), ['5:asl-unknown-state']);
  });
});
