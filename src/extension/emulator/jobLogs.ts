/**
 * Job logs in terminals: one pseudoterminal per job, following it live (timestamps, attempts
 * separated, the exit code at the end). Showing the same job again focuses its terminal; another
 * job of the same name (a Map's iterations, a job run again) gets its job id in the terminal's name.
 */
import * as vscode from 'vscode';
import { followJobLog, type LogLineSink } from '../../client/job-log-follow';
import { errorMessage } from '../errors';
import type { JobTarget } from '../views/jobNodes';

const COLOURS = { header: '\x1b[36m', event: '', ok: '\x1b[32m', error: '\x1b[31m' } as const;
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

interface Entry {
  readonly terminal: vscode.Terminal;
  readonly abort: AbortController;
  readonly name: string;
}

export class JobTerminals implements vscode.Disposable {
  private readonly byJob = new Map<string, Entry>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(vscode.window.onDidCloseTerminal((t) => {
      for (const [key, e] of this.byJob) {
        if (e.terminal !== t) continue;
        e.abort.abort();
        this.byJob.delete(key);
      }
    }));
  }

  /** Opens (or focuses) the terminal following `jobId` on `target`. */
  show(target: JobTarget, jobId: string, title: string): vscode.Terminal {
    const key = `${target.label}|${jobId}`;
    const existing = this.byJob.get(key);
    if (existing) {
      existing.terminal.show(false);
      return existing.terminal;
    }
    const abort = new AbortController();
    const write = new vscode.EventEmitter<string>();
    const sink: LogLineSink = {
      line(text, kind) {
        const body = kind === 'event' ? text.replace(/^(\S+)( {2})/, `${DIM}$1${RESET}$2`) : `${COLOURS[kind]}${text}${RESET}`;
        write.fire(body.replace(/\r?\n/g, '\r\n') + '\r\n');
      },
    };
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      open: () => {
        followJobLog({ batch: target.batch, logs: target.logs, jobId, sink, signal: abort.signal }).then(
          () => { if (!abort.signal.aborted) sink.line('(end of log: the job has finished)', 'header'); },
          (err: unknown) => { if (!abort.signal.aborted) sink.line(`Could not read the log: ${errorMessage(err)}`, 'error'); },
        );
      },
      close: () => {
        abort.abort();
        write.dispose();
      },
    };
    const taken = new Set([...this.byJob.values()].map((e) => e.name));
    const name = taken.has(`Logs: ${title}`) ? `Logs: ${title} (${jobId.slice(0, 8)})` : `Logs: ${title}`;
    const terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('output'), isTransient: true });
    this.byJob.set(key, { terminal, abort, name });
    terminal.show(false);
    return terminal;
  }

  dispose(): void {
    for (const e of this.byJob.values()) {
      e.abort.abort();
      e.terminal.dispose();
    }
    this.byJob.clear();
    for (const d of this.disposables) d.dispose();
  }
}
