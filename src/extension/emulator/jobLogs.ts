import * as vscode from 'vscode';

/** One output channel for job logs; showing another job's log stops following the previous one. */
export class JobLogsChannel implements vscode.Disposable {
  private channel: vscode.OutputChannel | undefined;
  private following: AbortController | undefined;

  begin(): { channel: vscode.OutputChannel; signal: AbortSignal } {
    this.following?.abort();
    this.following = new AbortController();
    this.channel ??= vscode.window.createOutputChannel('LocalBatch Job Logs');
    this.channel.clear();
    return { channel: this.channel, signal: this.following.signal };
  }

  dispose(): void {
    this.following?.abort();
    this.channel?.dispose();
  }
}
