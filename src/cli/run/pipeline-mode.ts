/**
 * `localbatch run <template or folder>` for event-driven templates: loads the rules, schedules,
 * topics, subscriptions and bucket settings into the emulator (see client/pipeline-load.ts), says
 * what was loaded, then keeps them live, printing every job the rules and schedules start as its
 * state changes, until Ctrl-C (or SIGTERM). When a shared server it uses stops, it waits for one to
 * serve the state directory again and goes on there (reconnect.ts).
 */
import { subscribeEvents } from '../../client/events';
import { isEmpty, loadPipeline, type PipelineSet } from '../../client/pipeline-load';
import type { Workspace } from '../../model/workspace';
import { CliError } from '../errors';
import { backLine, stoppedMessage, waitForEmulator } from './reconnect';
import type { Session } from './session';

/** Loads the pipeline into the session's emulator and prints what was loaded. */
export async function loadAndSay(session: Session, ws: Workspace, p: PipelineSet, say: (line: string) => void): Promise<void> {
  // Buckets alone (a template's S3 buckets, no rule) are not loaded: nothing would use their notifications.
  if (isEmpty(p)) return;
  let lines: string[];
  try {
    const loaded = await loadPipeline(session.endpoint, session.batch, ws, p);
    if (loaded.problems.length > 0) throw new Error(loaded.problems.join('\n  '));
    lines = loaded.lines;
  } catch (err) {
    throw new CliError(`loading the templates' rules, schedules and topics into the emulator failed:\n  ${err instanceof Error ? err.message : String(err)}`, 1);
  }
  say(`Loaded into the emulator at ${session.endpoint.url}:`);
  for (const l of lines) say(`  ${l}`);
}

export async function watchPipeline(session: Session, ws: Workspace, p: PipelineSet, out: NodeJS.WritableStream, stateDir?: string): Promise<number> {
  const say = (line: string) => out.write(line + '\n');
  let signalled = false;
  let wake: () => void = () => {};
  const onSignal = () => {
    signalled = true;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await loadAndSay(session, ws, p, say);
    const names = new Map<string, string>();
    let closed: Error | undefined;
    let sub: { close(): void } | undefined;
    const subscribe = () => new Promise<void>((resolve) => {
      sub?.close();
      closed = undefined;
      sub = subscribeEvents(session.endpoint, {
        onOpen: () => resolve(),
        onEvent: (e) => {
          const d = e.detail;
          const base = d.jobId.split(':')[0];
          if (d.jobName) names.set(base, d.jobName);
          const index = d.jobId.includes(':') ? `[${d.jobId.split(':')[1]}]` : '';
          const reason = d.status === 'FAILED' && d.statusReason ? `: ${d.statusReason}` : '';
          say(`${new Date().toISOString().slice(11, 19)} ${names.get(base) ?? d.jobName ?? ''}${index} ${d.status} (${d.jobId})${reason}`);
        },
        onClose: (error) => {
          closed = error ?? new Error('the emulator closed the event stream');
          resolve();
          wake();
        },
      });
    });
    // (read through this: the stream's callbacks set it, which the checks below cannot see)
    const closedBy = (): Error | undefined => closed;
    await subscribe();
    const refused = closedBy();
    if (refused) throw new CliError(refused.message, 1);
    if (!signalled) say('Rules and schedules are live; jobs they start are shown here. Ctrl-C stops.');
    try {
      for (;;) {
        if (!signalled && !closedBy()) await new Promise<void>((resolve) => (wake = resolve));
        const stopped = closedBy();
        if (signalled || !stopped) break;
        // Its server stopped: the rules and schedules are journaled there; wait for one to serve again.
        const url = session.endpoint.url;
        const why = stopped.message;
        const outcome = await waitForEmulator(session, why, 'the rules, schedules and their jobs are kept', (t) => out.write(t), () => signalled, stateDir);
        if (outcome !== 'back') {
          if (signalled) break;
          throw new CliError(stoppedMessage(url, why, outcome, 'the rules, schedules and their jobs are kept', 'start it again (localbatch serve): they run there'), 1);
        }
        await subscribe();
        if (!closedBy()) say(backLine(session).trimEnd());
      }
    } finally {
      sub?.close();
    }
    say('Stopped.');
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await session.close();
  }
}
