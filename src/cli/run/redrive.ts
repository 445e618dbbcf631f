/**
 * `localbatch run <state machine> --redrive`: the newest execution of the state machine, when it
 * failed, timed out or was stopped, goes on from where it stopped (RedriveExecution) instead of a
 * new execution starting; the run then follows it as it follows a new one, from the events the
 * redrive adds.
 */
import { ListExecutionsCommand, RedriveExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { lastEventId, readHistoryAfter } from '../../client/sfn-history';
import { CliError } from '../errors';

/** The redriven execution, and the last event of its history before the redrive (the run shows what follows). */
export async function redriveNewest(sfn: SFNClient, stateMachineArn: string, machineName: string): Promise<{ executionArn: string; lastEventId: number; redriveCount: number }> {
  const [newest] = (await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 }))).executions ?? [];
  if (!newest?.executionArn) throw new CliError(`--redrive: ${machineName} has no execution to redrive; run it without --redrive first`, 1);
  if (newest.status === 'RUNNING' || newest.status === 'SUCCEEDED') throw new CliError(`--redrive: the newest execution of ${machineName} (${newest.name}) is ${newest.status}: nothing to redrive; run it without --redrive to start another`, 1);
  const before = lastEventId(await readHistoryAfter(sfn, newest.executionArn, 0));
  try {
    await sfn.send(new RedriveExecutionCommand({ executionArn: newest.executionArn }));
  } catch (err) {
    if ((err as { name?: string }).name === 'ExecutionNotRedrivable') throw new CliError(`--redrive: ${(err as Error).message}`, 1);
    throw err;
  }
  return { executionArn: newest.executionArn, lastEventId: before, redriveCount: (newest.redriveCount ?? 0) + 1 };
}
