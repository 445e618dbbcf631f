/**
 * "Show Dependency Graph": on a workflow file (planned, then live), on a job of the Local/AWS view
 * (live), or on a Local view training queue or service job (the queue's service jobs, live).
 */
import * as vscode from 'vscode';
import type { DagViewState } from '../../model/dag-protocol';
import { definitionArg } from '../commands/definitionArg';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { isJobNode } from '../views/jobNodes';
import { isServiceJobNode } from '../views/serviceJobNodes';
import { DAG_VIEW_TYPE, DagPanel } from './panel';

export async function showDag(ctx: Ctx, arg: unknown): Promise<void> {
  const queue = serviceQueueOf(arg);
  if (queue) {
    if ((arg as { target?: { batch?: unknown } }).target?.batch !== ctx.emulator.connection?.batch) throw new UserError('The graph of a SageMaker training queue is shown for the local emulator only: open it from the Local view.');
    DagPanel.createOrShow(ctx, { kind: 'serviceQueue', target: 'local', jobQueue: queue });
    return;
  }
  if (isJobNode(arg)) {
    const local = arg.target.batch === ctx.emulator.connection?.batch;
    DagPanel.createOrShow(ctx, { kind: 'jobs', target: local ? 'local' : 'aws', jobIds: [arg.job.jobId!] }, local ? undefined : arg.target.batch);
    return;
  }
  const file = await definitionArg(ctx, arg, 'workflow', 'workflow');
  DagPanel.createOrShow(ctx, { kind: 'workflow', file: file.doc.file });
}

/** The queue of a Local view training queue or service job (the graph of a service job is its queue's). */
function serviceQueueOf(arg: unknown): string | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const node = arg as { kind?: string; queue?: { jobQueueName?: string }; id?: string };
  if (node.kind === 'trainingQueue') return node.queue?.jobQueueName;
  if (isServiceJobNode(arg)) return arg.queueName;
  return undefined;
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
