/** The identity of the one execution the Step Functions unit tests run (names and ARNs of a test account). */
export const EXECUTION_IDENTITY = {
  executionArn: 'arn:aws:states:eu-west-2:123456789012:execution:sm:ex1',
  name: 'ex1',
  stateMachineArn: 'arn:aws:states:eu-west-2:123456789012:stateMachine:sm',
  stateMachineName: 'sm',
  roleArn: 'arn:aws:iam::123456789012:role/r',
  startTime: '2026-01-01T00:00:00.000Z',
};
