/**
 * Errors a state machine raises, named as AWS Step Functions names them. An error that reaches a
 * Retry or Catch is matched by its `error` name; `cause` is the text AWS shows beside it.
 */
import { STATES_ERROR_NAMES } from '../../../model/asl/language';

export class StatesError extends Error {
  readonly error: string;
  override readonly cause: string;
  constructor(error: string, cause: string) {
    super(`${error}: ${cause}`);
    this.error = error;
    this.cause = cause;
  }
}

/** Errors no `States.ALL` retrier or catcher matches (AWS: terminal). */
export const TERMINAL_ERRORS = new Set(['States.Runtime', 'States.DataLimitExceeded']);

/** The predefined error names a definition may name in ErrorEquals (one list, in the model). */
export const KNOWN_STATES_ERRORS = STATES_ERROR_NAMES;

/** Any thrown value as a StatesError (unknown throws become States.TaskFailed). */
export function asStatesError(err: unknown): StatesError {
  if (err instanceof StatesError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new StatesError('States.TaskFailed', message);
}

/** Whether a Retry/Catch `ErrorEquals` list matches an error (AWS's wildcard rules). */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  // AWS: "A States.Runtime error isn't retriable, and will always cause the execution to fail",
  // even where ErrorEquals names it.
  if (error === 'States.Runtime') return false;
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === 'States.ALL' && !TERMINAL_ERRORS.has(error)) return true;
    // States.TaskFailed acts as a wildcard for every error except States.Timeout (and terminal ones).
    if (name === 'States.TaskFailed' && error !== 'States.Timeout' && !TERMINAL_ERRORS.has(error)) return true;
  }
  return false;
}
