/** "Show Dependency Graph": on a workflow file (planned, then live) or on a job of the Local/AWS view (live). */
import * as vscode from 'vscode';
import type { DagViewState } from '../../model/dag-protocol';
import { definitionArg } from '../commands/definitionArg';
import type { Ctx } from '../ctx';
import { isJobNode } from '../views/jobNodes';
import { DAG_VIEW_TYPE, DagPanel } from './panel';

export async function showDag(ctx: Ctx, arg: unknown): Promise<void> {
  if (isJobNode(arg)) {
    const local = arg.target.batch === ctx.emulator.connection?.batch;
    DagPanel.createOrShow(ctx, { kind: 'jobs', target: local ? 'local' : 'aws', jobIds: [arg.job.jobId!] }, local ? undefined : arg.target.batch);
    return;
  }
  const file = await definitionArg(ctx, arg, 'workflow', 'workflow');
  DagPanel.createOrShow(ctx, { kind: 'workflow', file: file.doc.file });
}

/** Restores graph panels after a window reload (activation event `onWebviewPanel:localbatch.dag`). */
export function registerDagSerializer(ctx: Ctx): void {
  ctx.push(vscode.window.registerWebviewPanelSerializer(DAG_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      DagPanel.revive(ctx, panel, state as DagViewState | undefined);
    },
  }));
  ctx.push({ dispose: () => DagPanel.disposeAll() });
}
