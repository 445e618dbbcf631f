/**
 * The dependency-graph panels: one webview panel per workflow (or set of jobs) (createOrShow /
 * revive), its HTML from dagHtml, the typed messages of dag-protocol.ts, and the node actions (open
 * definition, logs, details, why stuck, reveal).
 */
import type { BatchClient } from '@aws-sdk/client-batch';
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { isFromWebview, type DagSource, type DagViewState, type FromWebview, type ToWebview } from '../../model/dag-protocol';
import type { WorkflowFile } from '../../model/types';
import type { Ctx } from '../ctx';
import { toVsRange } from '../editing/convert';
import type { JobNode } from '../views/jobNodes';
import type { ServiceJobNode } from '../views/serviceJobNodes';
import { explainStuckJob } from '../commands/explainStuck';
import { dagHtml } from './html';
import { StateMachineSession } from '../stepfunctions/session';
import { openState, openTemplateState } from '../stepfunctions/openState';
import { ServiceQueueSession } from './serviceSession';
import { DagSession } from './session';

export const DAG_VIEW_TYPE = 'localbatch.dag';
const DEFINITIONS_DEBOUNCE_MS = 600;

/** Which panel shows a source: one per workflow file, one per set of jobs. */
export function sourceKey(source: DagSource): string {
  if (source.kind === 'stateMachine') return `stateMachine:${source.file}${source.machine ? `#${source.machine}` : ''}`;
  if (source.kind === 'serviceQueue') return `serviceQueue:${source.target}:${source.jobQueue}`;
  return source.kind === 'workflow' ? `workflow:${source.file}` : `jobs:${source.target}:${[...source.jobIds].sort().join(',')}`;
}

export class DagPanel implements vscode.Disposable {
  private static readonly panels = new Map<string, DagPanel>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private session: DagSession | StateMachineSession | ServiceQueueSession | undefined;
  private key: string | undefined;
  private ready = false;

  /** Reveals the panel of `source` (refreshing its statuses), or opens a new one beside the editor. */
  /** `preserveFocus`: show the panel beside the editor but leave the focus there (a run started from the file). */
  static createOrShow(ctx: Ctx, source: DagSource, awsClient?: BatchClient, preserveFocus = false): DagPanel {
    const existing = DagPanel.panels.get(sourceKey(source));
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn, preserveFocus);
      if (awsClient || source.kind === 'stateMachine') existing.show(source, awsClient);
      else if (existing.ready) void existing.session?.refresh();
      return existing;
    }
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(DAG_VIEW_TYPE, 'Dependency Graph', { viewColumn: column, preserveFocus }, DagPanel.options(ctx));
    const created = new DagPanel(ctx, panel);
    created.show(source, awsClient);
    return created;
  }

  /** Restores a panel after a window reload (from the state the webview saved). */
  static revive(ctx: Ctx, panel: vscode.WebviewPanel, state: DagViewState | undefined): void {
    panel.webview.options = DagPanel.options(ctx);
    if (state?.source) DagPanel.panels.get(sourceKey(state.source))?.dispose();
    const revived = new DagPanel(ctx, panel);
    if (state?.source) revived.show(state.source);
  }

  static disposeAll(): void {
    for (const p of [...DagPanel.panels.values()]) p.dispose();
  }

  static options(ctx: Ctx): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const root = ctx.extension.extensionUri;
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')],
    };
  }

  private constructor(private readonly ctx: Ctx, readonly panel: vscode.WebviewPanel) {
    const w = panel.webview;
    const root = ctx.extension.extensionUri;
    w.html = dagHtml({
      cspSource: w.cspSource,
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview', 'dag.js')).toString(),
      workerUri: w.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'webview', 'layout-worker.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(root, 'media', 'dag.css')).toString(),
    });
    this.subscriptions.push(
      panel.onDidDispose(() => this.dispose()),
      w.onDidReceiveMessage((m: unknown) => {
        if (isFromWebview(m)) void this.onMessage(m).catch((err: unknown) => ctx.output.error(`dependency graph: ${String(err)}`));
      }),
      panel.onDidChangeViewState((e) => {
        const visible = e.webviewPanel.visible;
        if (this.session) this.session.paused = !visible;
        // A hidden webview is discarded (retainContextWhenHidden is off): it loads again when shown
        // and asks for the current state with 'ready'. Until then nothing sent to it arrives.
        if (!visible) {
          this.ready = false;
          this.session?.setTab('graph');
        }
      }),
      ctx.index.onDidChange(() => this.onDefinitionsChanged()),
      { dispose: () => clearTimeout(this.changeTimer) },
    );
  }

  private show(source: DagSource, awsClient?: BatchClient): void {
    const key = sourceKey(source);
    if (this.key !== key) {
      if (this.key && DagPanel.panels.get(this.key) === this) DagPanel.panels.delete(this.key);
      DagPanel.panels.get(key)?.dispose();
      DagPanel.panels.set(key, this);
      this.key = key;
    }
    this.session?.dispose();
    const post = (m: ToWebview) => void this.panel.webview.postMessage(m);
    this.session = source.kind === 'stateMachine' ? new StateMachineSession(this.ctx, source, post) : source.kind === 'serviceQueue' ? new ServiceQueueSession(this.ctx, source, post) : new DagSession(this.ctx, source, post, awsClient);
    this.panel.title = source.kind === 'jobs' ? 'Graph: jobs' : source.kind === 'serviceQueue' ? `Graph: ${source.jobQueue}` : source.kind === 'stateMachine' && source.machine ? `Graph: ${source.machine}` : `Graph: ${source.file.split('/').pop()}`;
    if (this.ready) void this.session.refresh();
  }

  private changeTimer: ReturnType<typeof setTimeout> | undefined;

  /** Redraws a workflow's graph when definition files change (debounced: the index updates as you type). */
  private onDefinitionsChanged(): void {
    clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => {
      if (this.session?.source.kind === 'workflow' && this.panel.visible) void this.session.refresh();
    }, DEFINITIONS_DEBOUNCE_MS);
  }

  private async onMessage(m: FromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (!this.session && m.state?.source) this.show(m.state.source);
        for (const id of m.state?.expanded ?? []) this.session?.expanded.add(id);
        await this.session?.refresh();
        this.session?.setTab(m.state?.tab ?? 'graph');
        return;
      case 'tab':
        this.session?.setTab(m.tab);
        return;
      case 'expand':
        this.session?.setExpanded(m.nodeId, m.expanded);
        return;
      case 'exportSvg':
        return this.exportSvg(m.svg);
      case 'error':
        this.ctx.output.warn(`dependency graph webview: ${m.message}`);
        return;
      case 'node':
        return this.nodeAction(m);
    }
  }

  private async nodeAction(m: Extract<FromWebview, { type: 'node' }>): Promise<void> {
    const jobId = m.jobId ?? this.session?.jobIdOf(m.nodeId);
    if (this.session instanceof ServiceQueueSession) return this.serviceNodeAction(m, jobId);
    switch (m.action) {
      case 'select':
        if (!jobId) return;
        if (this.session?.source.kind === 'jobs' && this.session.source.target === 'aws') {
          await vscode.commands.executeCommand('localbatch.aws.focus');
          return;
        }
        // Select the job in the Local view without taking the focus from the graph.
        if (!(await this.ctx.views.local.revealJob(jobId).catch(() => false))) await vscode.commands.executeCommand('localbatch.local.focus');
        return;
      case 'openDefinition':
        if (this.session?.source.kind === 'stateMachine') {
          const { file, machine } = this.session.source;
          return machine ? openTemplateState(this.ctx.index, file, machine, m.jobName) : openState(file, m.jobName);
        }
        return this.openDefinition(m.jobName);
      case 'explainStuck': {
        const batch = this.session?.batch();
        if (!jobId || !batch) {
          void vscode.window.showInformationMessage(`LocalBatch: '${m.jobName}' is not bound to a submitted job.`);
          return;
        }
        return explainStuckJob(this.ctx, batch, jobId, this.session?.onAws ? 'aws' : 'local');
      }
      case 'showLogs':
      case 'showDetails': {
        const node = this.jobNode(await this.pickJob(m.nodeId, jobId), m.jobName);
        if (node) await vscode.commands.executeCommand(m.action === 'showLogs' ? 'localbatch.showLogs' : 'localbatch.showJobDetails', node);
        return;
      }
    }
  }

  /** A service job's node: Job Details shows DescribeServiceJob's answer; it has no logs, definition or stuck check here. */
  private async serviceNodeAction(m: Extract<FromWebview, { type: 'node' }>, jobId: string | undefined): Promise<void> {
    const conn = this.ctx.emulator.connection;
    if (m.action === 'select') {
      await vscode.commands.executeCommand('localbatch.local.focus');
      return;
    }
    if (m.action === 'showDetails' && jobId && conn) {
      const node: ServiceJobNode = { kind: 'serviceJob', id: `dag:${jobId}`, job: { jobId, jobName: m.jobName, serviceJobType: 'SAGEMAKER_TRAINING' }, target: { label: 'local emulator', batch: conn.batch, logs: conn.logs } };
      await vscode.commands.executeCommand('localbatch.showJobDetails', node);
      return;
    }
    if (m.action !== 'showDetails') void vscode.window.showInformationMessage(`LocalBatch: '${m.jobName}' is a SageMaker training service job: open its details (DescribeServiceJob) instead.`);
  }

  /** The job of a node; for a state machine's Task that started several (Map iterations, retries), the one the user picks. */
  private async pickJob(nodeId: string, jobId: string | undefined): Promise<string | undefined> {
    const all = this.session instanceof StateMachineSession ? this.session.jobIdsOf(nodeId) : [];
    if (all.length <= 1) return jobId;
    return vscode.window.showQuickPick([...all].reverse(), { title: `Batch jobs started by ${nodeId} (newest first)` });
  }

  /** A Local/AWS view job element for the job commands (they take the view's elements). */
  private jobNode(jobId: string | undefined, jobName: string): JobNode | undefined {
    const conn = this.ctx.emulator.connection;
    if (!jobId || !conn) return undefined;
    return { kind: 'job', id: `dag:${jobId}`, job: { jobId, jobName }, target: { label: 'local emulator', batch: conn.batch, logs: conn.logs } };
  }

  /** Opens the workflow at the job's key (or, for a job of no workflow, nothing). */
  private async openDefinition(jobName: string): Promise<void> {
    const source = this.session?.source;
    const files = this.ctx.index.all().filter((f) => f.kind.kind === 'workflow' && (source?.kind !== 'workflow' || f.doc.file === source.file));
    for (const f of files) {
      const jobs = (f.doc.value as WorkflowFile | undefined)?.jobs ?? {};
      const key = jobName in jobs ? jobName : Object.keys(jobs).find((k) => jobs[k]?.jobName === jobName);
      const uri = this.ctx.index.uriOf(f.doc.file);
      if (key === undefined || !uri) continue;
      const range = toVsRange(f.doc.rangeOf(['jobs', key], 'key'));
      await vscode.window.showTextDocument(uri, { selection: range, viewColumn: vscode.ViewColumn.One });
      return;
    }
    void vscode.window.showInformationMessage(`LocalBatch: no workflow in this workspace defines the job '${jobName}'.`);
  }

  private async exportSvg(svg: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${this.panel.title.replace(/^Graph: /, '').replace(/\.(workflow\.)?(json|ya?ml)$/, '').replace(/[^\w.-]+/g, '-')}.svg`;
    const target = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: { SVG: ['svg'] } });
    if (!target) return;
    await writeFile(target.fsPath, svg, 'utf8');
    void vscode.window.showInformationMessage(`LocalBatch: saved the graph to ${vscode.workspace.asRelativePath(target)}.`);
  }

  dispose(): void {
    if (this.key && DagPanel.panels.get(this.key) === this) DagPanel.panels.delete(this.key);
    this.session?.dispose();
    this.session = undefined;
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
