/**
 * Step Functions operations given a string that is not an ARN of the kind they take answer
 * InvalidArn (the service model lists it for each of them), not ExecutionDoesNotExist /
 * StateMachineDoesNotExist; a well-formed ARN of nothing still answers DoesNotExist. moto_server
 * (written by others) is the oracle for the error codes through the same SDK calls; the messages
 * are AWS's own (`Invalid ARN prefix`, `Resource type not valid in this context`), which moto
 * words differently. Real ARNs keep working.
 */
import assert from 'node:assert/strict';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListTagsForResourceCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { systemClock } from '../../../src/emulator/clock/clock';
import { statesEdgeService } from '../../../src/emulator/states/api/handlers';
import { StatesService } from '../../../src/emulator/states/service';
import { memoryJournal } from '../../../src/emulator/states/store';
import { type ApiHarness, signedFetch, startHarness, TEST_ACCOUNT, TEST_REGION } from '../../support/api-harness';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../../support/moto';

const MACHINE = `arn:aws:states:${TEST_REGION}:${TEST_ACCOUNT}:stateMachine:nothing-here`;
const EXECUTION = `arn:aws:states:${TEST_REGION}:${TEST_ACCOUNT}:execution:nothing-here:run-1`;

/** One SDK command for an ARN (sent as the operation it is). */
type Call = (arn: string) => object;

/** Calls taking an execution ARN, then calls taking a state machine ARN. */
const onExecution: Call[] = [
  (arn: string) => new DescribeExecutionCommand({ executionArn: arn }),
  (arn: string) => new GetExecutionHistoryCommand({ executionArn: arn }),
  (arn: string) => new StopExecutionCommand({ executionArn: arn }),
];
const onMachine: Call[] = [
  (arn: string) => new DescribeStateMachineCommand({ stateMachineArn: arn }),
  (arn: string) => new StartExecutionCommand({ stateMachineArn: arn }),
  (arn: string) => new ListExecutionsCommand({ stateMachineArn: arn }),
  (arn: string) => new UpdateStateMachineCommand({ stateMachineArn: arn, definition: '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}' }),
  (arn: string) => new DeleteStateMachineCommand({ stateMachineArn: arn }),
];

describe('Step Functions: malformed ARNs are InvalidArn, as on AWS and moto_server (SDK)', function () {
  this.timeout(120_000);
  let moto: Moto;
  let h: ApiHarness;
  let local: SFNClient;
  let oracle: SFNClient;
  before(async function () {
    moto = await startMoto(this);
    const svc = new StatesService({ clock: systemClock(), account: TEST_ACCOUNT, region: TEST_REGION, journal: memoryJournal(), runTask: () => Promise.reject(new Error('no tasks here')) });
    h = await startHarness({}, { services: [statesEdgeService(svc)] });
    local = new SFNClient({ endpoint: h.server.url, region: TEST_REGION, credentials: h.credentials, maxAttempts: 1 });
    oracle = new SFNClient({ endpoint: moto.url, region: TEST_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    local?.destroy();
    oracle?.destroy();
    await h?.close();
    await moto?.stop();
  });

  /** The error's code and message, or 'ok'. */
  const outcome = async (client: SFNClient, command: object) => {
    try {
      await client.send(command as DescribeStateMachineCommand);
      return { code: 'ok', message: '' };
    } catch (err) {
      return { code: (err as Error).name, message: (err as Error).message };
    }
  };

  const cases: Array<{ calls: Call[]; arn: string; code: string; message?: string }> = [
    { calls: onExecution, arn: 'not-an-arn', code: 'InvalidArn', message: "Invalid Arn: 'Invalid ARN prefix: not-an-arn'" },
    { calls: onExecution, arn: MACHINE, code: 'InvalidArn', message: "Invalid Arn: 'Resource type not valid in this context: stateMachine'" },
    { calls: onExecution, arn: EXECUTION, code: 'ExecutionDoesNotExist' },
    { calls: onMachine, arn: 'not-an-arn', code: 'InvalidArn', message: "Invalid Arn: 'Invalid ARN prefix: not-an-arn'" },
    { calls: onMachine, arn: EXECUTION, code: 'InvalidArn', message: "Invalid Arn: 'Resource type not valid in this context: execution'" },
  ];

  for (const c of cases) {
    it(`${c.arn} to ${c.calls === onExecution ? 'execution' : 'state machine'} operations: ${c.code}, the code moto_server answers`, async () => {
      for (const make of c.calls) {
        const command = make(c.arn);
        const mine = await outcome(local, command);
        const theirs = await outcome(oracle, make(c.arn));
        const op = command.constructor.name;
        assert.equal(mine.code, theirs.code, `${op}: moto answers ${theirs.code} (${theirs.message})`);
        assert.equal(mine.code, c.code, `${op}: ${mine.message}`);
        if (c.message) assert.equal(mine.message, c.message, op);
      }
    });
  }

  it('a well-formed ARN of nothing is StateMachineDoesNotExist (DeleteStateMachine: no error), as on moto_server', async () => {
    for (const make of onMachine) {
      const mine = await outcome(local, make(MACHINE));
      assert.equal(mine.code, (await outcome(oracle, make(MACHINE))).code, make(MACHINE).constructor.name);
      assert.ok(['StateMachineDoesNotExist', 'ok'].includes(mine.code), mine.message);
    }
  });

  it('DescribeStateMachineForExecution and ListTagsForResource check the ARN the same way', async () => {
    const forExecution = await outcome(local, new DescribeStateMachineForExecutionCommand({ executionArn: MACHINE }));
    assert.deepEqual(forExecution, { code: 'InvalidArn', message: "Invalid Arn: 'Resource type not valid in this context: stateMachine'" });
    const tags = await outcome(local, new ListTagsForResourceCommand({ resourceArn: 'nope' }));
    assert.deepEqual(tags, { code: 'InvalidArn', message: "Invalid Arn: 'Invalid ARN prefix: nope'" });
    const short = await outcome(local, new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1' }));
    assert.equal(short.code, 'InvalidArn');
    assert.match(short.message, /is not a Step Functions ARN of the form arn:aws:states:<region>:<account>:execution:/);
  });

  it('names follow the documented rule: periods and other punctuation pass, white space, / : and the other listed characters are InvalidName, over 80 characters a ValidationException', async () => {
    const definition = '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}';
    const roleArn = `arn:aws:iam::${TEST_ACCOUNT}:role/r`;
    const { stateMachineArn } = await local.send(new CreateStateMachineCommand({ name: 'etl.v2', roleArn, definition }));
    assert.match(stateMachineArn!, /:stateMachine:etl\.v2$/);
    for (const name of ['run.1', "it's+(ok)@=!", 'é'.repeat(80)]) {
      const { executionArn } = await local.send(new StartExecutionCommand({ stateMachineArn, name }));
      assert.ok(executionArn!.endsWith(`:${name}`), executionArn);
    }
    for (const name of ['a b', 'a/b', 'a:b', 'a*', 'a#b', 'a\u0007', 'x'.repeat(81), '']) {
      const got = await outcome(local, new StartExecutionCommand({ stateMachineArn, name }));
      // (an empty or over-long name breaks the API model's length bounds: ValidationException, as AWS answers)
      assert.equal(got.code, name === '' || name.length > 80 ? 'ValidationException' : 'InvalidName', `${JSON.stringify(name)}: ${got.message}`);
    }
    assert.match((await outcome(local, new StartExecutionCommand({ stateMachineArn, name: 'x'.repeat(81) }))).message, /at 'name' failed to satisfy constraint: Member must have length less than or equal to 80/);
    assert.equal((await outcome(local, new CreateStateMachineCommand({ name: 'a;b', roleArn, definition }))).code, 'InvalidName');
    // A member of another JSON type than the model's is the protocol's SerializationException, not "must not be null".
    const raw = await signedFetch(h.server.url, h.credentials, { method: 'POST', path: '/', service: 'states', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution' }, body: JSON.stringify({ stateMachineArn, name: 42 }) });
    assert.equal(raw.status, 400);
    assert.match(raw.body, /SerializationException/);
    assert.match(raw.body, /name must be a string, not number 42/);
    const send = (op: string, body: object) => signedFetch(h.server.url, h.credentials, { method: 'POST', path: '/', service: 'states', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${op}` }, body: JSON.stringify(body) });
    const typed = await send('ListStateMachines', { maxResults: 'ten' });
    assert.equal(typed.status, 400);
    assert.match(typed.body, /SerializationException.*maxResults must be a number, not string \\"ten\\"/);
    const nestedTags = await send('TagResource', { resourceArn: stateMachineArn, tags: [{ key: 'a', value: 5 }] });
    assert.match(nestedTags.body, /SerializationException.*tags\[0\]\.value must be a string/);
    const negative = await send('ListExecutions', { stateMachineArn, maxResults: -1 });
    assert.equal(negative.status, 400);
    assert.match(negative.body, /ValidationException.*Member must have value greater than or equal to 0/);
    // A definition under the API's 1,048,576 characters is taken though its request is over 1 MiB; one over is a ValidationException.
    const big = (n: number) => JSON.stringify({ Comment: 'x'.repeat(n), StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const under = await send('CreateStateMachine', { name: 'big', roleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/r`, definition: big(1_040_000).replace(/x/g, 'é') });
    assert.equal(under.status, 200, under.body.slice(0, 300));
    const over = await send('CreateStateMachine', { name: 'bigger', roleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/r`, definition: big(1_048_600) });
    assert.equal(over.status, 400);
    assert.match(over.body, /ValidationException.*at 'definition' failed to satisfy constraint: Member must have length less than or equal to 1048576/);
  });

  it('real ARNs still work: create, start, describe, history, list, stop', async () => {
    const { stateMachineArn } = await local.send(new CreateStateMachineCommand({ name: 'real', roleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/r`, definition: '{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}' }));
    const { executionArn } = await local.send(new StartExecutionCommand({ stateMachineArn, name: 'run-1' }));
    assert.equal((await local.send(new DescribeStateMachineCommand({ stateMachineArn }))).name, 'real');
    assert.equal((await local.send(new DescribeExecutionCommand({ executionArn }))).status, 'RUNNING');
    assert.ok((await local.send(new GetExecutionHistoryCommand({ executionArn }))).events!.length > 0);
    assert.deepEqual((await local.send(new ListExecutionsCommand({ stateMachineArn }))).executions!.map((e) => e.executionArn), [executionArn]);
    await local.send(new StopExecutionCommand({ executionArn }));
    assert.equal((await local.send(new DescribeExecutionCommand({ executionArn }))).status, 'ABORTED');
    assert.deepEqual((await local.send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn! }))).tags, []);
  });
});
