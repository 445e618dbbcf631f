/**
 * The extension's one context object: it owns every disposable, the output channel, the status bar,
 * the workspace index and diagnostics, the emulator connection and the views. Built once by
 * `activate` (the composition root) and handed to every command; there are no globals.
 */
import * as vscode from 'vscode';
import { readSettings } from './config';
import { DefinitionDiagnostics } from './editing/diagnostics';
import { DefinitionIndex } from './editing/definitionIndex';
import { registerEditingProviders } from './editing/providers';
import { registerTemplateLenses } from './editing/templateLenses';
import { registerStateMachineLenses } from './stepfunctions/lenses';
import { announceFailure } from './emulator/failures';
import { JobTerminals } from './emulator/jobLogs';
import { EmulatorManager } from './emulator/manager';
import { RunsStore } from './emulator/runs';
import { notifySnsMessages } from './emulator/snsNotifications';
import { EmulatorStatusBar } from './statusBar';
import { offerCliInTerminals } from './terminalCli';
import { AwsTree } from './views/awsTree';
import { DefinitionsTree } from './views/definitionsTree';
import type { JobSelection } from './views/jobSelection';
import { JobDocuments } from './views/jobDocuments';
import { LocalTree } from './views/localTree';
import { createJobSelection, type AnyJobNode } from './views/selectedJobs';

export interface Views {
  readonly local: LocalTree;
  readonly definitions: DefinitionsTree;
  readonly aws: AwsTree;
}

export class Ctx implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly output: vscode.LogOutputChannel;
  readonly index: DefinitionIndex;
  readonly diagnostics: DefinitionDiagnostics;
  readonly emulator: EmulatorManager;
  readonly jobLogs: JobTerminals;
  /** The local emulator's runs (Local view, status bar, failure notifications). */
  readonly runs: RunsStore;
  readonly jobDocuments: JobDocuments;
  readonly views: Views;
  /** The job selected in the Local or AWS view (job commands run without a job act on it). */
  readonly jobSelection: JobSelection<AnyJobNode> = createJobSelection();

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = this.push(vscode.window.createOutputChannel('LocalBatch', { log: true }));
    this.index = this.push(new DefinitionIndex(this.output));
    this.diagnostics = this.push(new DefinitionDiagnostics(this.index, this.output));
    for (const d of registerEditingProviders(this.index, this.diagnostics)) this.push(d);
    for (const d of registerTemplateLenses(this.index)) this.push(d);
    for (const d of registerStateMachineLenses()) this.push(d);
    this.emulator = this.push(new EmulatorManager(extension.asAbsolutePath('dist/cli.js'), this.output, extension.workspaceState));
    this.jobLogs = this.push(new JobTerminals());
    this.jobDocuments = this.push(new JobDocuments());
    this.runs = this.push(new RunsStore(this.emulator));
    offerCliInTerminals(extension, this.output);
    this.push(new EmulatorStatusBar(this.emulator, this.runs));
    this.views = {
      local: this.push(new LocalTree(this.emulator, this.runs)),
      definitions: this.push(new DefinitionsTree(this.index, this.diagnostics)),
      aws: this.push(new AwsTree()),
    };
    const localView = this.push(vscode.window.createTreeView('localbatch.local', { treeDataProvider: this.views.local, showCollapseAll: true }));
    this.views.local.setView(localView);
    this.push(vscode.window.createTreeView('localbatch.definitions', { treeDataProvider: this.views.definitions, showCollapseAll: true }));
    const awsView = this.push(vscode.window.createTreeView('localbatch.aws', { treeDataProvider: this.views.aws, showCollapseAll: true }));
    // `job` or `serviceJob` while one is selected: the Command Palette offers its commands then.
    // The selected job's row contextValue (`job.RUNNING`, `serviceJob.RUNNING`; '' for none): the
    // Command Palette offers its commands by the same rules as its context menu.
    this.push(this.jobSelection.onDidChange((value) => void vscode.commands.executeCommand('setContext', 'localbatch.selectedJob', value)));
    // (a Local job is acted on only while its emulator connection is the current one)
    this.push(this.jobSelection.track(localView, 'Local', (n) => n.target.batch === this.emulator.connection?.batch));
    this.push(this.jobSelection.track(awsView, 'AWS'));
    this.push(this.emulator.onDidChangeState(() => this.jobSelection.forget(localView)));
    // A selected job that changed state is redrawn a moment after the runs change: its menus' rules then too.
    let keyTimer: NodeJS.Timeout | undefined;
    this.push(this.runs.onDidChange(() => {
      clearTimeout(keyTimer);
      keyTimer = setTimeout(() => this.jobSelection.refresh(), 500);
    }));
    this.push({ dispose: () => clearTimeout(keyTimer) });
    this.push(awsView.onDidChangeVisibility((e) => this.views.aws.setVisible(e.visible)));
    this.views.aws.setVisible(awsView.visible);
    this.push(this.runs.onRunFailed((run) => void announceFailure(this, run).catch((err: unknown) => this.output.error(`failure notice: ${String(err)}`))));
    this.push(notifySnsMessages(this));
    void vscode.commands.executeCommand('setContext', 'localbatch.emulatorState', this.emulator.state);
  }

  /** Attaches to an emulator already running for this workspace (only in a trusted workspace). */
  async attachToRunningEmulator(): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    if (await this.emulator.attach(readSettings())) this.output.info('attached to the running emulator');
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
