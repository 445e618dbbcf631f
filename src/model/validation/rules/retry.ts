/** retryStrategy: the same rules apply in a job definition and at submit time. */
import type { Reporter } from '../reporter';
import { arr, get, int, isObj, show, str, type Path } from './util';

export const MAX_ATTEMPTS = 10;
export const MAX_EVALUATE_ON_EXIT = 5;
export const MAX_PATTERN_LENGTH = 512;

/** Allowed characters before an optional trailing `*` (M:EvaluateOnExit member docs). */
const PATTERN_CHARSETS = {
  onExitCode: { re: /^[0-9]*$/, text: 'digits only' },
  // letters, numbers, periods, colons and white space (spaces and tabs)
  onReason: { re: /^[A-Za-z0-9.: \t]*$/, text: 'letters, digits, periods (.), colons (:) and spaces or tabs' },
  onStatusReason: { re: /^[A-Za-z0-9.: \t]*$/, text: 'letters, digits, periods (.), colons (:) and spaces or tabs' },
} as const;

export function checkRetryStrategy(value: unknown, path: Path, r: Reporter): void {
  if (!isObj(value)) return;
  const attempts = int(get(value, 'attempts'));
  // M:RetryStrategy.attempts: "between 1 and 10 attempts"
  if (attempts !== undefined && (attempts < 1 || attempts > MAX_ATTEMPTS)) {
    r.error([...path, 'attempts'], 'retry-attempts-range', `retryStrategy.attempts is ${attempts}; AWS Batch allows 1 to ${MAX_ATTEMPTS} attempts`);
  }
  const rawEvaluate = get(value, 'evaluateOnExit');
  const evaluate = arr(rawEvaluate);
  if (rawEvaluate === undefined || rawEvaluate === null) return;
  // M:RetryStrategy.evaluateOnExit: "If this parameter is specified, then the attempts parameter must also be specified."
  if (get(value, 'attempts') === undefined) {
    r.error(
      [...path, 'evaluateOnExit'],
      'retry-attempts-required',
      'retryStrategy.evaluateOnExit is set but retryStrategy.attempts is not; AWS Batch rejects this ("RetryAttempts must be provided with retry strategy"): add attempts (1 to 10)',
      'key',
    );
  }
  if (!evaluate) return;
  // M:RetryStrategy.evaluateOnExit: "Array of up to 5 objects"
  if (evaluate.length > MAX_EVALUATE_ON_EXIT) {
    r.error(
      [...path, 'evaluateOnExit'],
      'retry-evaluate-on-exit-limit',
      `retryStrategy.evaluateOnExit has ${evaluate.length} entries; AWS Batch allows at most ${MAX_EVALUATE_ON_EXIT}`,
      'key',
    );
  }
  evaluate.forEach((entry, i) => {
    for (const field of ['onExitCode', 'onReason', 'onStatusReason'] as const) {
      const pattern = str(get(entry, field));
      if (pattern !== undefined) checkPattern(field, pattern, [...path, 'evaluateOnExit', i, field], r);
    }
  });
}

/** M:EvaluateOnExit: up to 512 characters, an allowed character set, optional trailing `*`. */
function checkPattern(field: keyof typeof PATTERN_CHARSETS, pattern: string, path: Path, r: Reporter): void {
  const rule = 'retry-pattern';
  if (pattern.length > MAX_PATTERN_LENGTH) {
    r.error(path, rule, `${field} is ${pattern.length} characters long; AWS Batch allows at most ${MAX_PATTERN_LENGTH}`);
    return;
  }
  const star = pattern.indexOf('*');
  if (star >= 0 && star < pattern.length - 1) {
    r.error(path, rule, `${field} ${show(pattern)} has "*" at position ${star + 1}; a pattern may only end with "*" (prefix match), it cannot appear elsewhere`);
    return;
  }
  const body = star >= 0 ? pattern.slice(0, -1) : pattern;
  const charset = PATTERN_CHARSETS[field];
  if (!charset.re.test(body)) {
    const bad = [...body].find((c) => !charset.re.test(c)) ?? '';
    r.error(path, rule, `${field} ${show(pattern)} contains ${show(bad)}; it may contain ${charset.text}, optionally ending with "*"`);
  }
}
