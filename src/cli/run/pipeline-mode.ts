/**
 * `localbatch run <template or folder>` for event-driven templates: loads the rules, schedules,
 * topics, subscriptions and bucket settings into the emulator (see client/pipeline-load.ts), says
 * what was loaded, then keeps them live, printing every job the rules and schedules start as its
 * state changes, until Ctrl-C (or SIGTERM).
 */
import { subscribeEvents } from '../../client/events';
import { isEmpty, loadPipeline, type PipelineSet } from '../../client/pipeline-load';
import type { Workspace } from '../../model/workspace';
import { CliError } from '../errors';
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

export async function watchPipeline(session: Session, ws: Workspace, p: PipelineSet, out: NodeJS.WritableStream): Promise<number> {
  const say = (line: string) => out.write(line + '\n');
  try {
    await loadAndSay(session, ws, p, say);
    let closed: Error | undefined;
    let wake: () => void = () => {};
    const stop = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const onSignal = () => wake();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const names = new Map<string, string>();
    const sub = await new Promise<{ close(): void }>((resolve, reject) => {
      const s = subscribeEvents(session.endpoint, {
        onOpen: () => resolve(s),
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
          reject(closed);
          wake();
        },
      });
    });
    say('Rules and schedules are live; jobs they start are shown here. Ctrl-C stops.');
    try {
      await stop;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      sub.close();
    }
    if (closed) throw new CliError(closed.message, 1);
    say('Stopped.');
    return 0;
  } finally {
    await session.close();
  }
}
