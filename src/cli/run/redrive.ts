/**
 * `localbatch run <state machine> --redrive`: the newest execution of the state machine, when it
 * failed, timed out or was stopped, goes on from where it stopped (RedriveExecution) instead of a
 * new execution starting; the run then follows it as it follows a new one, from the events the
 * redrive adds.
 */
import { DescribeStateMachineForExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, RedriveExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { CliError } from '../errors';

/**
 * The redriven execution, the last event of its history before the redrive (the run shows what
 * follows), and whether it runs another definition than `definition` (the file's now: a redrive
 * runs the one the execution started with, as on AWS).
 */
export async function redriveNewest(sfn: SFNClient, stateMachineArn: string, machineName: string, definition: string): Promise<{ executionArn: string; lastEventId: number; redriveCount: number; olderDefinition: boolean }> {
  const [newest] = (await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 }))).executions ?? [];
  if (!newest?.executionArn) throw new CliError(`--redrive: ${machineName} has no execution to redrive; run it without --redrive first`, 1);
  if (newest.status === 'RUNNING' || newest.status === 'SUCCEEDED') throw new CliError(`--redrive: the newest execution of ${machineName} (${newest.name}) is ${newest.status}: nothing to redrive; run it without --redrive to start another`, 1);
  // (its newest event: what the redrive adds follows it)
  const before = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: newest.executionArn, maxResults: 1, reverseOrder: true }))).events?.[0]?.id ?? 0;
  try {
    await sfn.send(new RedriveExecutionCommand({ executionArn: newest.executionArn }));
  } catch (err) {
    if ((err as { name?: string }).name === 'ExecutionNotRedrivable') throw new CliError(`--redrive: ${(err as Error).message}`, 1);
    throw err;
  }
  const ran = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: newest.executionArn })).catch(() => undefined);
  return { executionArn: newest.executionArn, lastEventId: before, redriveCount: (newest.redriveCount ?? 0) + 1, olderDefinition: ran?.definition !== undefined && ran.definition !== definition };
}
