/**
 * Rehearsed Spot interruptions (`localbatch interrupt`, `--interrupt-rate`): a STARTING or RUNNING
 * job's attempt ends as AWS ends one whose instance went away, `Host EC2 (instance i-...)
 * terminated.`, then its retry strategy decides (evaluateOnExit `onStatusReason: "Host EC2*"`).
 * The interruption is journaled before its containers are killed (Attempts.interrupt), so a restart
 * in between still ends the attempt that way.
 */
import type { Attempts } from './attempts';
import { invalid } from './errors';
import type { JobMachine } from './machine';
import { hostTerminated } from './placement';

export interface InterruptResult {
  readonly jobId: string;
  readonly instanceId: string;
  readonly statusReason: string;
}

export function interruptJob(parts: { readonly machine: JobMachine; readonly attempts: Attempts; newId(): string }, jobId: string): InterruptResult {
  const job = parts.machine.get(jobId);
  if (!job) invalid(`Job ${jobId} does not exist`);
  if (job.children) invalid(`Job ${jobId} is an array job: interrupt one of its children (${jobId}:<index>)`);
  const instanceId = `i-${parts.newId().replace(/-/g, '').slice(0, 17)}`;
  const statusReason = hostTerminated(instanceId);
  if (!parts.attempts.interrupt(job, statusReason)) invalid(`Job ${jobId} is ${job.status}: only a STARTING or RUNNING job can be interrupted`);
  return { jobId: job.id, instanceId, statusReason };
}
