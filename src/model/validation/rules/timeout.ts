/** timeout: the same rule applies in a job definition and at submit time. */
import type { Reporter } from '../reporter';
import { get, int, type Path } from './util';

export const MIN_TIMEOUT_SECONDS = 60;

/** M:JobTimeout.attemptDurationSeconds: "The minimum value for the timeout is 60 seconds." */
export function checkTimeout(value: unknown, path: Path, r: Reporter): void {
  const seconds = int(get(value, 'attemptDurationSeconds'));
  if (seconds !== undefined && seconds < MIN_TIMEOUT_SECONDS) {
    r.error(
      [...path, 'attemptDurationSeconds'],
      'timeout-minimum',
      `timeout.attemptDurationSeconds is ${seconds}; AWS Batch requires at least ${MIN_TIMEOUT_SECONDS} seconds`,
    );
  }
}
