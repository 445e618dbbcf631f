/** The status-bar item: emulator state, how many jobs run and how many failed; a click opens a menu. */
import * as vscode from 'vscode';
import type { EmulatorManager } from './emulator/manager';
import type { RunsStore } from './emulator/runs';

export const STATUS_BAR_MENU_COMMAND = 'localbatch.statusBarMenu';

export class EmulatorStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('localbatch.emulator', vscode.StatusBarAlignment.Left, 10);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly emulator: EmulatorManager, private readonly runs: RunsStore) {
    this.item.name = 'LocalBatch Emulator';
    this.item.command = STATUS_BAR_MENU_COMMAND;
    this.disposables.push(emulator.onDidChangeState(() => this.render()), runs.onDidChange(() => this.render()));
    this.render();
    this.item.show();
  }

  private render(): void {
    const state = this.emulator.state;
    if (state === 'running') {
      const { running, failed } = this.runs.counts;
      const parts = ['$(vm-running) LocalBatch'];
      if (running > 0) parts.push(`$(sync~spin) ${running} running`);
      if (failed > 0) parts.push(`$(error) ${failed} failed`);
      this.item.text = parts.join('  ');
      this.item.backgroundColor = failed > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
      this.item.tooltip = `LocalBatch emulator at ${this.emulator.connection?.endpoint.url ?? '?'}: ${running} job(s) running`
        + `${failed > 0 ? `, ${failed} failed in the latest runs` : ''}. Click for actions.`;
    } else {
      this.item.backgroundColor = undefined;
      this.item.text = state === 'stopped' ? '$(vm-outline) LocalBatch: stopped' : `$(loading~spin) LocalBatch: ${state}`;
      this.item.tooltip = state === 'stopped' ? 'LocalBatch emulator is stopped. Click for actions.' : `LocalBatch emulator is ${state}.`;
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
