/**
 * Retry decisions exactly as AWS Batch makes them: entries of evaluateOnExit are tried in order,
 * every condition of an entry must match (trailing-`*` globs, otherwise exact), the first matching
 * entry's action (case-insensitive) wins, and when nothing matches the job is retried.
 */
import type { EvaluateOnExit, RetryStrategy } from '@aws-sdk/client-batch';

export interface RetryPolicy {
  readonly attempts: number;
  readonly evaluateOnExit: readonly EvaluateOnExit[];
}

export interface AttemptOutcome {
  readonly exitCode?: number;
  /** container.reason */
  readonly reason?: string;
  readonly statusReason?: string;
}

export function retryPolicy(jobDef?: RetryStrategy, submit?: RetryStrategy): RetryPolicy {
  const r = submit ?? jobDef;
  return { attempts: r?.attempts ?? 1, evaluateOnExit: r?.evaluateOnExit ?? [] };
}

export function globMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

function entryMatches(e: EvaluateOnExit, o: AttemptOutcome): boolean {
  if (e.onExitCode !== undefined && !globMatches(e.onExitCode, o.exitCode === undefined ? undefined : String(o.exitCode))) return false;
  if (e.onReason !== undefined && !globMatches(e.onReason, o.reason)) return false;
  if (e.onStatusReason !== undefined && !globMatches(e.onStatusReason, o.statusReason)) return false;
  return true;
}

/** Whether the action for this outcome is RETRY (ignoring how many attempts are left). */
export function actionIsRetry(policy: RetryPolicy, outcome: AttemptOutcome): boolean {
  for (const e of policy.evaluateOnExit) {
    if (entryMatches(e, outcome)) return (e.action ?? '').toUpperCase() === 'RETRY';
  }
  return true;
}

/** Whether a failed attempt (the `attempt`-th, from 1) is followed by another. */
export function shouldRetry(policy: RetryPolicy, attempt: number, outcome: AttemptOutcome): boolean {
  return attempt < policy.attempts && actionIsRetry(policy, outcome);
}
