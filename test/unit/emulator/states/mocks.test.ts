/** Step Functions Local mock files: responses by invocation number, Throw, and the checks of the file. */
import assert from 'node:assert/strict';
import { mockConfigProblems, mockedResponse, type MockConfig } from '../../../../src/emulator/states/tasks/mocks';
import { StatesError } from '../../../../src/emulator/states/core/errors';
import { createStatesService } from '../../../../src/emulator/states/wiring';
import { statesHandlers } from '../../../../src/emulator/states/api/handlers';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';

const config: MockConfig = {
  StateMachines: { LambdaSQSIntegration: { TestCases: { RetryPath: { LambdaState: 'MockedLambdaRetry' } } } },
  MockedResponses: {
    MockedLambdaRetry: {
      '0': { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } },
      '1-2': { Throw: { Error: 'Lambda.TimeoutException', Cause: 'Lambda timed out.' } },
      '3': { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } },
    },
  },
};

describe('Step Functions Local mock files', () => {
  it('picks the response by invocation number and range', () => {
    const at = (n: number) => mockedResponse(config, 'LambdaSQSIntegration', 'RetryPath', 'LambdaState', n);
    assert.throws(() => at(0), (e: unknown) => e instanceof StatesError && e.error === 'Lambda.ResourceNotReadyException');
    assert.throws(() => at(2), (e: unknown) => e instanceof StatesError && e.error === 'Lambda.TimeoutException');
    assert.deepEqual(at(3), { found: true, value: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } });
    assert.throws(() => at(4), /no entry for invocation 4/);
    assert.deepEqual(mockedResponse(config, 'LambdaSQSIntegration', 'Other', 'LambdaState', 0), { found: false });
  });

  it('reports responses the test cases name but do not define', () => {
    assert.deepEqual(mockConfigProblems(config), []);
    assert.match(mockConfigProblems({ StateMachines: { M: { TestCases: { T: { S: 'Missing' } } } } })[0], /names the response 'Missing'/);
  });

  it('an execution on <arn>#<TestCase> retries through the mocked responses; without a mock the error says what to add', async () => {
    const clock = new FakeClock();
    const svc = createStatesService({ clock, account: '123456789012', region: 'us-east-1', mocks: config, batch: { call: async () => ({}), subscribe: () => () => undefined } });
    const api = statesHandlers(svc);
    const definition = JSON.stringify({
      StartAt: 'LambdaState',
      States: { LambdaState: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3 }], OutputPath: '$.Payload', End: true } },
    });
    const { stateMachineArn } = (await api.CreateStateMachine({ name: 'LambdaSQSIntegration', roleArn: 'arn:aws:iam::123456789012:role/r', definition })) as { stateMachineArn: string };
    const { executionArn } = (await api.StartExecution({ stateMachineArn: `${stateMachineArn}#RetryPath` })) as { executionArn: string };
    await clock.runAll();
    const d = (await api.DescribeExecution({ executionArn })) as { status: string; output: string };
    assert.equal(d.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(d.output), { StatusCode: 200, body: 'Hello from Lambda!' });
    const plain = (await api.StartExecution({ stateMachineArn })) as { executionArn: string };
    await clock.runAll();
    const f = (await api.DescribeExecution({ executionArn: plain.executionArn })) as { status: string; error: string; cause: string };
    assert.equal(f.status, 'FAILED');
    assert.match(f.cause, /SFN_MOCK_CONFIG=<file>: StateMachines\.LambdaSQSIntegration\.TestCases\.<TestCase>\.LambdaState/);
  });
});
