/**
 * One page of GetExecutionHistory, read straight from the execution's history: only the events of
 * the page are read and copied (a 10,000-event history is not copied, reversed or serialised for
 * each page). The nextToken names the id of the next event to return, so it stays right while a
 * running execution keeps adding events (also when reading newest first); it also names the order
 * it was given for and its execution, so it is refused (InvalidToken) with the other order or
 * another execution. Events are answered as
 * copies: `includeExecutionData: false` leaves out input, output and parameters of those copies,
 * never of the history itself.
 */
import { createHash } from 'node:crypto';
import type { HistoryEvent } from '../service';
import { sfnError } from './errors';

type Input = Record<string, unknown>;

const DATA = ['input', 'output', 'parameters'];

/** A list operation's maxResults: 0 or absent is the default 100; under 0 or over 1000 is refused, as the model bounds it. */
export function maxResultsOf(input: Input): number {
  const v = input.maxResults;
  if (typeof v === 'number' && v > 1000) throw sfnError('ValidationException', `1 validation error detected: Value '${v}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  if (typeof v === 'number' && v < 0) throw sfnError('ValidationException', `1 validation error detected: Value '${v}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0`);
  return typeof v === 'number' && v > 0 ? Math.floor(v) : 100;
}

/** A token: `h` (oldest first) or `r` (newest first), the event id, and a tag of the execution. */
function token(reverse: boolean, id: number, tag: string): string {
  return Buffer.from(`${reverse ? 'r' : 'h'}${id}.${tag}`, 'utf8').toString('base64url');
}

function tagOf(executionArn: string): string {
  return createHash('sha256').update(executionArn).digest('base64url').slice(0, 10);
}

/** The event id a token names (1-based), or InvalidToken. */
function fromToken(text: unknown, reverse: boolean, tag: string): number {
  const m = typeof text === 'string' ? /^([hr])(\d{1,12})\.([\w-]{10})$/.exec(Buffer.from(text, 'base64url').toString('utf8')) : null;
  if (!m || m[3] !== tag) throw sfnError('InvalidToken', 'Invalid Token: the nextToken was not given by GetExecutionHistory for this execution; call again without it to read from the start.');
  if ((m[1] === 'r') !== reverse) throw sfnError('InvalidToken', `Invalid Token: the nextToken was given for reading ${m[1] === 'r' ? 'newest' : 'oldest'} first; call with reverseOrder ${m[1] === 'r'}, or without the token to read from the start.`);
  return Number(m[2]);
}

function copy(ev: HistoryEvent, secs: (ms: number) => number, withData: boolean): Record<string, unknown> {
  // (a StateExited event's mark for RedriveExecution is localbatch's own: not answered)
  const { exit: _exit, ...event } = ev;
  const out: Record<string, unknown> = { ...event, timestamp: secs(ev.timestamp) };
  if (withData) return out;
  for (const [k, v] of Object.entries(out)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    const details = { ...(v as Record<string, unknown>) };
    for (const d of DATA) delete details[d];
    out[k] = details;
  }
  return out;
}

/**
 * The page `input` asks for (maxResults 1-1000, default 100; reverseOrder; nextToken;
 * includeExecutionData), reading `history[i]` only for the events it returns.
 */
export function historyPage(executionArn: string, history: readonly HistoryEvent[], input: Input, secs: (ms: number) => number): { events: Array<Record<string, unknown>>; nextToken?: string } {
  const max = maxResultsOf(input);
  const reverse = input.reverseOrder === true;
  const withData = input.includeExecutionData !== false;
  const n = history.length;
  const tag = tagOf(executionArn);
  // Positions are 0-based indexes into `history` (event id - 1).
  let from = reverse ? n - 1 : 0;
  if (input.nextToken !== undefined && input.nextToken !== null) {
    from = fromToken(input.nextToken, reverse, tag) - 1;
    if (from < 0 || from > (reverse ? n - 1 : n)) throw sfnError('InvalidToken', 'Invalid Token: the nextToken does not belong to this execution\'s history; call again without it to read from the start.');
  }
  const events: Array<Record<string, unknown>> = [];
  const step = reverse ? -1 : 1;
  let i = from;
  for (; events.length < max && i >= 0 && i < n; i += step) events.push(copy(history[i], secs, withData));
  const more = i >= 0 && i < n;
  return { events, ...(more ? { nextToken: token(reverse, i + 1, tag) } : {}) };
}
