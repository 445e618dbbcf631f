/**
 * RedriveExecution through the API: whether an execution may be redriven (DescribeExecution's
 * redriveStatus and redriveStatusReason, AWS's reasons in its words), and the redrive itself.
 */
import type { ExecutionRecord, StatesService } from '../service';
import { sfnError } from './errors';

/** Why an execution cannot be redriven, or undefined when it can. */
export function notRedrivable(svc: StatesService, e: ExecutionRecord): string | undefined {
  if (e.executionArn.includes(':express:')) return 'Execution is of an EXPRESS state machine and cannot be redriven.';
  if (e.status === 'RUNNING') return 'Execution is RUNNING and cannot be redriven.';
  if (e.status === 'SUCCEEDED') return 'Execution is SUCCEEDED and cannot be redriven.';
  const machine = svc.machines.get(e.stateMachineArn);
  if (!machine) return 'State machine does not exist.';
  if (machine.deleting) return 'State machine is in DELETING status.';
  return svc.redriveBlocker(e);
}

/** DescribeExecution's redrive members. */
export function redriveMembers(svc: StatesService, e: ExecutionRecord): { readonly redriveStatus: string } & Record<string, unknown> {
  const reason = notRedrivable(svc, e);
  return {
    redriveCount: e.redriveCount ?? 0,
    ...(e.redriveDate !== undefined ? { redriveDate: e.redriveDate / 1000 } : {}),
    redriveStatus: reason ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
    ...(reason ? { redriveStatusReason: reason } : {}),
  };
}

/** How long a client token answers its redrive again, as AWS keeps one. */
const TOKEN_MS = 15 * 60_000;

/**
 * RedriveExecution: `clientToken` makes it idempotent (a token of one of the execution's last 10
 * redrives, given within 15 minutes of it, answers that redrive's date and redrives nothing).
 */
export function redriveExecution(svc: StatesService, e: ExecutionRecord, clientToken: string | undefined): { redriveDate: number } {
  if (clientToken !== undefined && (clientToken.length < 1 || clientToken.length > 64)) throw sfnError('ValidationException', `1 validation error detected: Value at 'clientToken' failed to satisfy constraint: Member must have length between 1 and 64`);
  const earlier = clientToken === undefined ? undefined : e.redriveTokens?.find((t) => t.token === clientToken && svc.options.clock.now() - t.redriveDate < TOKEN_MS);
  if (earlier) return { redriveDate: earlier.redriveDate / 1000 };
  const reason = notRedrivable(svc, e);
  if (reason) throw sfnError('ExecutionNotRedrivable', `Execution '${e.executionArn}' cannot be redriven: ${reason}`);
  svc.redrive(e, clientToken);
  return { redriveDate: (e.redriveDate ?? 0) / 1000 };
}
