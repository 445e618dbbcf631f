/**
 * A `run` whose shared emulator stops mid-run (restarted for new settings, `localbatch stop`, Ctrl-C
 * where it runs, a crash) waits for an emulator to serve the state directory again and goes on
 * there: the jobs and executions it follows are kept by the emulator's journal.
 */
import { checkHealth } from '../../client/signed-http';
import type { Session } from './session';

/** How long a run waits for its shared emulator to come back after it stopped. */
export const RECONNECT_WAIT_MS = 5 * 60_000;

/** 'back': the session talks to the emulator serving again; else why the run ends. */
export type WaitOutcome = 'back' | 'not-waited' | 'timeout' | 'cancelled';

/**
 * Says that the emulator stopped (`why`) and what is kept (`kept`: "its 2 unfinished jobs are
 * kept"), then waits for one to answer again (until `cancelled()`: Ctrl-C); 'back': the session
 * talks to it (the caller says so with backLine once it follows it again). Not for a session that
 * cannot reconnect (the run's own emulator), nor after Ctrl-C (the run was ending already).
 */
export async function waitForEmulator(session: Session, why: string, kept: string, write: (text: string) => void, cancelled: () => boolean, stateDir?: string): Promise<WaitOutcome> {
  if (!session.reconnect || cancelled()) return 'not-waited';
  write(`\nThe emulator at ${session.endpoint.url} stopped while the run was in progress (${why}); ${kept}. Waiting up to ${RECONNECT_WAIT_MS / 60_000} min for an emulator to serve ${stateDir ?? 'its state directory'} again (localbatch serve, or the editor); Ctrl-C stops waiting.\n`);
  if (!(await session.reconnect(Date.now() + RECONNECT_WAIT_MS, cancelled))) return cancelled() ? 'cancelled' : 'timeout';
  return 'back';
}

/** Said once the run follows the emulator that came back (its event stream open again). */
export const backLine = (session: Session): string => `The emulator is back at ${session.endpoint.url}: following the run again.\n`;

/** The end of a run whose emulator stopped and was not (or not in time) back: what happened and what is kept. */
export function stoppedMessage(url: string, why: string, outcome: WaitOutcome, kept: string, follow: string): string {
  const after = outcome === 'cancelled' ? ' and the waiting for it was stopped' : outcome === 'timeout' ? ` and did not come back within ${RECONNECT_WAIT_MS / 60_000} min` : '';
  return `the emulator at ${url} stopped while the run was in progress (${why})${after}; ${kept}: ${follow}`;
}

/** Whether `err` says a connection was refused or dropped (the emulator stopped, or is stopping). */
export function isUnreachable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE') return true;
  return /socket hang up|ECONNREFUSED|ECONNRESET/.test(err instanceof Error ? err.message : String(err));
}

/** Whether `err` came from the session's emulator having stopped: a dropped connection, and it does not answer now. */
export async function emulatorGone(session: Session, err: unknown): Promise<boolean> {
  if (!isUnreachable(err)) return false;
  return !(await checkHealth(session.endpoint, 1000).then((h) => h.ok, () => false));
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
