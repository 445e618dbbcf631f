/**
 * A `run` whose shared emulator stops mid-run (restarted for new settings, `localbatch stop`, Ctrl-C
 * where it runs, a crash) waits for an emulator to serve the state directory again and goes on
 * there: the jobs and executions it follows are kept by the emulator's journal.
 */
import type { Session } from './session';

/** How long a run waits for its shared emulator to come back after it stopped. */
export const RECONNECT_WAIT_MS = 5 * 60_000;

/**
 * Says that the emulator stopped (`why`) and what is kept (`kept`: "its 2 unfinished jobs are
 * kept"), then waits for one to answer again: true once the session talks to it. False at once
 * for a session that cannot reconnect (the run's own emulator), and when none came in time or
 * `cancelled()` (Ctrl-C).
 */
export async function waitForEmulator(session: Session, why: string, kept: string, write: (text: string) => void, cancelled: () => boolean, stateDir?: string): Promise<boolean> {
  if (!session.reconnect) return false;
  write(`\nThe emulator at ${session.endpoint.url} stopped while the run was in progress (${why}); ${kept}. Waiting up to ${RECONNECT_WAIT_MS / 60_000} min for an emulator to serve ${stateDir ?? 'its state directory'} again (localbatch serve, or the editor); Ctrl-C stops waiting.\n`);
  if (!(await session.reconnect(Date.now() + RECONNECT_WAIT_MS, cancelled))) return false;
  write(`The emulator is back at ${session.endpoint.url}: following the run again.\n`);
  return true;
}

/** The end of a run whose emulator stopped and did not come back: what happened and what is kept. */
export function stoppedMessage(session: Session, url: string, why: string, interrupted: boolean, kept: string, follow: string): string {
  const waited = session.reconnect ? (interrupted ? ' and the waiting for it was stopped' : ` and did not come back within ${RECONNECT_WAIT_MS / 60_000} min`) : '';
  return `the emulator at ${url} stopped while the run was in progress (${why})${waited}; ${kept}: ${follow}`;
}

/** Whether `err` says the emulator cannot be reached (stopped, or stopping). */
export function isUnreachable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE') return true;
  return /socket hang up|ECONNREFUSED|ECONNRESET/.test(err instanceof Error ? err.message : String(err));
}
