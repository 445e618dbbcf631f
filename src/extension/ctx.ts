/**
 * The extension's one context object: it owns every disposable, the output channel, the status bar,
 * the workspace index and diagnostics, the emulator connection and the views. Built once by
 * `activate` (the composition root) and handed to every command; there are no globals.
 */
import * as vscode from 'vscode';
import { DefinitionDiagnostics } from './editing/diagnostics';
import { DefinitionIndex } from './editing/definitionIndex';

export class Ctx implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly output: vscode.LogOutputChannel;
  readonly index: DefinitionIndex;
  readonly diagnostics: DefinitionDiagnostics;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = this.push(vscode.window.createOutputChannel('LocalBatch', { log: true }));
    this.index = this.push(new DefinitionIndex(this.output));
    this.diagnostics = this.push(new DefinitionDiagnostics(this.index, this.output));
  }

  /** Takes ownership of a disposable; it is disposed with the context, in reverse order. */
  push<T extends vscode.Disposable>(d: T): T {
    this.subscriptions.push(d);
    return d;
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (err) {
        console.error('localbatch: dispose failed', err);
      }
    }
  }
}
