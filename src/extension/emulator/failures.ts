/** Makes a failed run impossible to miss: a notification naming the job and why, and the job selected in the Local view. */
import { ListJobsCommand, type JobDetail, type JobSummary } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { rootFailures } from '../../model/runs';
import type { Ctx } from '../ctx';
import { DagPanel } from '../dag/panel';
import { jobNode, type JobTarget } from '../views/jobNodes';
import { failureText } from '../views/localTree';
import type { EmulatorRun } from './runs';

export async function announceFailure(ctx: Ctx, run: EmulatorRun): Promise<void> {
  const conn = ctx.emulator.connection;
  const roots = rootFailures(run);
  const job = roots[0];
  if (!conn || !job?.jobId) return;
  const target: JobTarget = { label: 'local emulator', batch: conn.batch, logs: conn.logs };
  // An array job fails through its children: name (and show the log of) the first failed child.
  let culprit: JobSummary | JobDetail = job;
  if (job.arrayProperties?.size !== undefined) {
    const res = await conn.batch.send(new ListJobsCommand({ arrayJobId: job.jobId, jobStatus: 'FAILED', maxResults: 1 })).catch(() => undefined);
    culprit = res?.jobSummaryList?.[0] ?? job;
  }
  const index = culprit.arrayProperties?.index;
  const who = `'${job.jobName}'${index !== undefined ? ` [${index}]` : ''}`;
  const others = roots.length > 1 ? ` (and ${roots.length - 1} more)` : '';
  const message = `LocalBatch: ${run.name} failed: job ${who}${others} — ${failureText(culprit)}`;
  ctx.output.warn(message);
  void ctx.views.local.revealJob(culprit.jobId!).catch(() => false);
  const choice = await vscode.window.showErrorMessage(message, 'Show Logs', 'Show Graph');
  if (choice === 'Show Logs') await vscode.commands.executeCommand('localbatch.showLogs', jobNode(culprit, target));
  // A workflow's run: its workflow's graph (it follows the latest local run), the one already open if it is.
  if (choice === 'Show Graph' && run.source && /\.workflow\.(ya?ml|json)$/.test(run.source)) DagPanel.createOrShow(ctx, { kind: 'workflow', file: run.source });
  else if (choice === 'Show Graph') await vscode.commands.executeCommand('localbatch.showDag', jobNode(job, target));
}
