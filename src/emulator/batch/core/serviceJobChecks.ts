/**
 * SubmitServiceJob's checks of its retry strategy, time limit and priority, as the API reference
 * gives them for service jobs: 1-10 attempts; evaluateOnExit entries RETRY or EXIT, at most 5, with
 * patterns of at most 512 printable characters; a positive attemptDurationSeconds; a priority of
 * 0-9999.
 */
import type { SubmitServiceJobRequest } from '@aws-sdk/client-batch';
import { invalid } from './errors';

export function checkServiceJobRequest(req: SubmitServiceJobRequest): void {
  const attempts = req.retryStrategy?.attempts;
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1 || attempts > 10)) invalid('retryStrategy.attempts must be between 1 and 10');
  const onExit = req.retryStrategy?.evaluateOnExit ?? [];
  if (onExit.length > 5) invalid('evaluateOnExit can have at most 5 entries');
  for (const e of onExit) {
    if (!e.action || !['RETRY', 'EXIT'].includes(String(e.action).toUpperCase())) invalid(`Invalid evaluateOnExit action: ${String(e.action)}`);
    const p = e.onStatusReason;
    if (p !== undefined && (p.length > 512 || !/^[\x20-\x7e\t]*$/.test(p))) invalid(`Invalid evaluateOnExit pattern: ${p.length > 512 ? `${p.slice(0, 40)}… (${p.length} characters, at most 512)` : p}`);
  }
  const duration = req.timeoutConfig?.attemptDurationSeconds;
  if (duration !== undefined && (!Number.isInteger(duration) || duration < 1)) invalid('timeoutConfig.attemptDurationSeconds must be a positive integer');
  const priority = req.schedulingPriority;
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 0 || priority > 9999)) invalid('schedulingPriority must be between 0 and 9999');
}
