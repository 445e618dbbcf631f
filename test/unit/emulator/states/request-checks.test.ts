/**
 * Step Functions requests refused as the API reference says (the handlers on a memory journal and a
 * fake clock): an execution input over 262,144 bytes or nested over 1,000 levels deep, a state machine type or execution status
 * filter outside its enum, a roleArn that is no IAM role ARN. A refused request creates nothing.
 */
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { statesHandlers } from '../../../../src/emulator/states/api/handlers';
import { StatesService } from '../../../../src/emulator/states/service';
import { memoryJournal } from '../../../../src/emulator/states/store';

const ROLE = 'arn:aws:iam::123456789012:role/r';
const DEFINITION = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
const refused = (type: string, text: RegExp) => (e: unknown) => e instanceof Error && e.name === type && text.test(e.message);

describe('Step Functions request checks (unit)', () => {
  const setup = () => {
    const svc = new StatesService({ clock: new FakeClock(), account: '123456789012', region: 'us-east-1', journal: memoryJournal(), runTask: () => Promise.reject(new Error('no tasks here')) });
    return { svc, api: statesHandlers(svc) };
  };

  it('CreateStateMachine refuses a type outside STANDARD/EXPRESS and a roleArn that is no IAM role ARN', async () => {
    const { svc, api } = setup();
    await assert.rejects(async () => api.CreateStateMachine({ name: 'a', roleArn: ROLE, definition: DEFINITION, type: 'BOGUS' }), refused('ValidationException', /Member must satisfy enum value set: \[STANDARD, EXPRESS\]/));
    await assert.rejects(async () => api.CreateStateMachine({ name: 'a', roleArn: 'notarn', definition: DEFINITION }), refused('InvalidArn', /roleArn must be an IAM role ARN/));
    assert.equal(svc.machines.size, 0);
    await api.CreateStateMachine({ name: 'a', roleArn: ROLE, definition: DEFINITION, type: 'EXPRESS' });
    assert.equal(svc.machines.size, 1);
    const [arn] = [...svc.machines.keys()];
    await assert.rejects(async () => api.UpdateStateMachine({ stateMachineArn: arn }), refused('MissingRequiredParameter', /Either the definition, the roleArn/));
  });

  it('CreateStateMachine refuses what validate reports in expressions and Choice rules (InvalidDefinition, at the field); ValidateStateMachineDefinition lists it', async () => {
    const { svc, api } = setup();
    const cases: Array<[object, RegExp]> = [
      [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true, Parameters: { 'x.$': 'not a path' } } } }, /Invalid JSONPath 'not a path'/],
      [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true, Parameters: { 'x.$': 'States.Format(1' } } } }, /Invalid intrinsic function call/],
      [{ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $sum( %}', End: true } } }, /Invalid JSONata expression/],
      [{ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { a: 1 }, End: true } } }, /Parameters is a JSONPath field; a JSONata state uses Arguments/],
      [{ StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.a', NumericEquals: 'a', Next: 'D' }], Default: 'D' }, D: { Type: 'Succeed' } } }, /NumericEquals compares with a number, not "a"/],
      // what a user walk found accepted though validate reports it
      [{ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, Retry: [{ ErrorEquals: ['States.ALL', 'X'] }] } } }, /States\.ALL must be alone in ErrorEquals/],
      [{ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { JobName: 'j', JobQueue: 'q' }, End: true } } }, /calls AWS Batch SubmitJob without JobDefinition/],
      [{ StartAt: 'A', States: { A: { Type: 'Pass', Bogus: 1, End: true } } }, /A Pass state takes no field 'Bogus'/],
      [{ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retyr: [], End: true } } }, /takes no field 'Retyr' \(did you mean 'Retry'\?\)/],
      [{ StartAt: 'A', Timeout: 5, States: { A: { Type: 'Pass', End: true } } }, /A state machine takes no field 'Timeout'/],
      // and a second walk: a missing StartAt said 'undefined'; no branches, a number and its Path, a Resource that is no ARN were taken
      [{ States: { A: { Type: 'Pass', End: true } } }, /SCHEMA_VALIDATION_FAILED at \/StartAt: The state machine needs StartAt, the name of its first state'$|^The state machine needs StartAt, the name of its first state$/],
      [{ StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [], End: true } } }, /The Parallel state 'P' needs Branches, a list of at least one state machine/],
      [{ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { JobName: 'j', JobQueue: 'q', JobDefinition: 'd' }, TimeoutSeconds: 5, TimeoutSecondsPath: '$.t', End: true } } }, /The state 'T' has both TimeoutSeconds and TimeoutSecondsPath/],
      [{ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'not-an-arn', End: true } } }, /The Task state 'T' has a Resource that is not a valid ARN: "not-an-arn"/],
    ];
    for (const [def, message] of cases) {
      await assert.rejects(async () => api.CreateStateMachine({ name: 'bad', roleArn: ROLE, definition: JSON.stringify(def) }), refused('InvalidDefinition', message));
      const v = (await api.ValidateStateMachineDefinition({ definition: JSON.stringify(def) })) as { result: string; diagnostics: Array<{ message: string }> };
      assert.equal(v.result, 'FAIL');
      assert.match(v.diagnostics[0]!.message, message);
    }
    // A value nested 5,000 deep (it failed every execution with "Maximum call stack size exceeded"), as text: stringifying it overflows here too.
    const deep = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":${'['.repeat(5000)}${']'.repeat(5000)},"End":true}}}`;
    await assert.rejects(async () => api.CreateStateMachine({ name: 'deep', roleArn: ROLE, definition: deep }), refused('InvalidDefinition', /nests arrays and objects more than 1000 levels deep/));
    assert.equal(svc.machines.size, 0);
    const fine = { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.a', NumericEquals: 1, Next: 'D' }, { Variable: '$.b', IsPresent: true, Next: 'D' }, { Variable: '$.c', StringEqualsPath: '$.d', Next: 'D' }], Default: 'D' }, D: { Type: 'Succeed' } } };
    await api.CreateStateMachine({ name: 'fine', roleArn: ROLE, definition: JSON.stringify(fine) });
  });

  it('StartExecution refuses an input nested more than 1,000 levels deep (it ran forever, unstoppable), and runs one of 1,000', async () => {
    const { svc, api } = setup();
    const { stateMachineArn } = (await api.CreateStateMachine({ name: 'a', roleArn: ROLE, definition: DEFINITION })) as { stateMachineArn: string };
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    for (const n of [1001, 5000, 100_000]) {
      await assert.rejects(async () => api.StartExecution({ stateMachineArn, input: nested(n) }), refused('InvalidExecutionInput', /nests arrays and objects more than 1000 levels deep/));
    }
    assert.equal(svc.executions.size, 0);
    const { executionArn } = (await api.StartExecution({ stateMachineArn, input: nested(1000) })) as { executionArn: string };
    for (let i = 0; i < 50 && (svc.executions.get(executionArn)?.status ?? 'RUNNING') === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(svc.executions.get(executionArn)?.status, 'SUCCEEDED');
  });

  it('StartExecution refuses an input over 262,144 bytes; ListExecutions a status filter outside its enum', async () => {
    const { svc, api } = setup();
    const { stateMachineArn } = (await api.CreateStateMachine({ name: 'a', roleArn: ROLE, definition: DEFINITION })) as { stateMachineArn: string };
    const sized = (n: number) => JSON.stringify({ pad: 'x'.repeat(n - 10) });
    assert.equal(Buffer.byteLength(sized(262_144)), 262_144);
    await api.StartExecution({ stateMachineArn, input: sized(262_144) });
    await assert.rejects(async () => api.StartExecution({ stateMachineArn, input: sized(262_145) }), /Member must have length less than or equal to 262144 \(this input has 262145 bytes\)/);
    assert.equal(svc.executions.size, 1);
    await assert.rejects(async () => api.ListExecutions({ stateMachineArn, statusFilter: 'NOPE' }), /Value 'NOPE' at 'statusFilter'/);
    assert.equal(((await api.ListExecutions({ stateMachineArn, statusFilter: 'RUNNING' })) as { executions: unknown[] }).executions.length + ((await api.ListExecutions({ stateMachineArn, statusFilter: 'SUCCEEDED' })) as { executions: unknown[] }).executions.length, 1);
  });

  it('ListExecutions and ListStateMachines page with tokens naming the last item: an execution started between pages repeats none; a bad token is InvalidToken', async () => {
    const clock = new FakeClock();
    const svc = new StatesService({ clock, account: '123456789012', region: 'us-east-1', journal: memoryJournal(), runTask: () => Promise.reject(new Error('no tasks here')) });
    const api = statesHandlers(svc);
    const { stateMachineArn } = (await api.CreateStateMachine({ name: 'a', roleArn: ROLE, definition: DEFINITION })) as { stateMachineArn: string };
    for (const name of ['e1', 'e2', 'e3', 'e4']) {
      await api.StartExecution({ stateMachineArn, name });
      await clock.advance(1000);
    }
    const names = (r: unknown) => (r as { executions: Array<{ name: string }> }).executions.map((e) => e.name);
    const first = (await api.ListExecutions({ stateMachineArn, maxResults: 2 })) as { nextToken?: string };
    assert.deepEqual(names(first), ['e4', 'e3'], 'newest first');
    await api.StartExecution({ stateMachineArn, name: 'e5' });
    const second = (await api.ListExecutions({ stateMachineArn, maxResults: 2, nextToken: first.nextToken })) as { nextToken?: string };
    assert.deepEqual(names(second), ['e2', 'e1'], 'the page after e3, whatever started since');
    assert.equal(second.nextToken, undefined);
    await assert.rejects(async () => api.ListExecutions({ stateMachineArn, nextToken: 'garbage' }), refused('InvalidToken', /not given by this list/));
    for (const name of ['b', 'c']) await api.CreateStateMachine({ name, roleArn: ROLE, definition: DEFINITION });
    const machines = (r: unknown) => (r as { stateMachines: Array<{ name: string }> }).stateMachines.map((m) => m.name);
    const m1 = (await api.ListStateMachines({ maxResults: 2 })) as { nextToken?: string };
    assert.deepEqual(machines(m1), ['a', 'b']);
    await api.CreateStateMachine({ name: 'aa', roleArn: ROLE, definition: DEFINITION });
    assert.deepEqual(machines(await api.ListStateMachines({ maxResults: 2, nextToken: m1.nextToken })), ['c']);
  });

  it('DeleteStateMachine while an execution runs: DELETING, starts and updates refused, deleted when the execution ends (also across a restart)', async () => {
    const clock = new FakeClock();
    const journal = memoryJournal();
    const svc = new StatesService({ clock, account: '123456789012', region: 'us-east-1', journal, runTask: () => Promise.reject(new Error('no tasks here')) });
    const api = statesHandlers(svc);
    const waits = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
    const { stateMachineArn } = (await api.CreateStateMachine({ name: 'slow', roleArn: ROLE, definition: waits })) as { stateMachineArn: string };
    const { executionArn } = (await api.StartExecution({ stateMachineArn })) as { executionArn: string };
    await api.DeleteStateMachine({ stateMachineArn });
    assert.equal(((await api.DescribeStateMachine({ stateMachineArn })) as { status: string }).status, 'DELETING');
    const beingDeleted = refused('StateMachineDeleting', /being deleted/);
    await assert.rejects(async () => api.StartExecution({ stateMachineArn }), beingDeleted);
    await assert.rejects(async () => api.UpdateStateMachine({ stateMachineArn, definition: waits }), beingDeleted);
    await assert.rejects(async () => api.CreateStateMachine({ name: 'slow', roleArn: ROLE, definition: waits }), beingDeleted);
    assert.equal(((await api.DescribeExecution({ executionArn })) as { status: string }).status, 'RUNNING');
    // A restart keeps it DELETING while the replayed execution waits.
    svc.close();
    const again = new StatesService({ clock, account: '123456789012', region: 'us-east-1', journal, runTask: () => Promise.reject(new Error('no tasks here')) });
    again.restore();
    const api2 = statesHandlers(again);
    assert.equal(((await api2.DescribeStateMachine({ stateMachineArn })) as { status: string }).status, 'DELETING');
    await clock.advance(61_000);
    await again.executions.get(executionArn)!.done;
    await assert.rejects(async () => api2.DescribeStateMachine({ stateMachineArn }), (e: unknown) => e instanceof Error && e.name === 'StateMachineDoesNotExist');
    // With nothing running, DeleteStateMachine deletes at once.
    const { stateMachineArn: idle } = (await api2.CreateStateMachine({ name: 'idle', roleArn: ROLE, definition: DEFINITION })) as { stateMachineArn: string };
    await api2.DeleteStateMachine({ stateMachineArn: idle });
    assert.equal(again.machines.has(idle), false);
  });
});

