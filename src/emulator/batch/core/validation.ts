/** Request checks AWS Batch documents only in prose (ranges, counts, reserved names). */
import type { KeyValuePair, RetryStrategy, JobTimeout } from '@aws-sdk/client-batch';
import { invalid } from './errors';

const GLOB = /^[A-Za-z0-9.:\s]*\*?$/;

export function validateRetryStrategy(r: RetryStrategy | undefined): void {
  if (!r) return;
  if (r.evaluateOnExit && r.attempts === undefined) invalid('RetryAttempts must be provided with retry strategy');
  if (r.attempts !== undefined && (!Number.isInteger(r.attempts) || r.attempts < 1 || r.attempts > 10)) {
    invalid('Retry strategy attempts must be an integer between 1 and 10');
  }
  const list = r.evaluateOnExit ?? [];
  if (list.length > 5) invalid('evaluateOnExit can have at most 5 entries');
  for (const e of list) {
    if (!e.action || !['RETRY', 'EXIT'].includes(e.action.toUpperCase())) invalid(`Invalid evaluateOnExit action: ${String(e.action)}`);
    if (e.onExitCode !== undefined && !/^[0-9]*\*?$/.test(e.onExitCode)) invalid(`Invalid onExitCode pattern: ${e.onExitCode}`);
    for (const p of [e.onReason, e.onStatusReason]) {
      if (p !== undefined && (p.length > 512 || !GLOB.test(p))) invalid(`Invalid evaluateOnExit pattern: ${p}`);
    }
  }
}

export function validateTimeout(t: JobTimeout | undefined): void {
  if (t?.attemptDurationSeconds !== undefined && !(t.attemptDurationSeconds >= 60)) {
    invalid('Timeout attemptDurationSeconds must be at least 60');
  }
}

export function validateEnvironment(env: readonly KeyValuePair[] | undefined): void {
  for (const kv of env ?? []) {
    if (kv.name?.startsWith('AWS_BATCH')) invalid(`Environment variable names cannot start with AWS_BATCH: ${kv.name}`);
  }
}
