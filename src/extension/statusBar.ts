/** The status-bar item: emulator state and how many jobs run, updated from the event stream. */
import * as vscode from 'vscode';
import { countRunning } from '../client/jobs';
import type { EmulatorManager } from './emulator/manager';

const COUNT_DEBOUNCE_MS = 500;

export class EmulatorStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('localbatch.emulator', vscode.StatusBarAlignment.Left, 10);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private running = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly emulator: EmulatorManager) {
    this.item.name = 'LocalBatch Emulator';
    this.disposables.push(
      emulator.onDidChangeState(() => this.recount(0)),
      emulator.onJobEvent(() => this.recount(COUNT_DEBOUNCE_MS)),
    );
    this.render();
    this.item.show();
  }

  private recount(delayMs: number): void {
    clearTimeout(this.timer);
    this.render();
    this.timer = setTimeout(() => {
      const conn = this.emulator.connection;
      if (!conn) return;
      countRunning(conn.batch).then((n) => {
        this.running = n;
        this.render();
      }, () => undefined);
    }, delayMs);
  }

  private render(): void {
    const state = this.emulator.state;
    if (state === 'running') {
      this.item.text = `$(vm-running) LocalBatch${this.running > 0 ? `: ${this.running} running` : ''}`;
      this.item.tooltip = `LocalBatch emulator at ${this.emulator.connection?.endpoint.url ?? '?'}: ${this.running} job(s) running. Click to stop.`;
      this.item.command = 'localbatch.stopEmulator';
    } else {
      this.running = 0;
      this.item.text = state === 'stopped' ? '$(vm-outline) LocalBatch: stopped' : `$(loading~spin) LocalBatch: ${state}`;
      this.item.tooltip = state === 'stopped' ? 'LocalBatch emulator is stopped. Click to start.' : `LocalBatch emulator is ${state}.`;
      this.item.command = state === 'stopped' ? 'localbatch.startEmulator' : undefined;
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
