/**
 * Commands on the Local view's pipeline groups: open an S3 object (read-only, or downloaded under the
 * extension's storage), open an SNS message, show the job a message is about, Fire Now, Enable and
 * Disable a rule or schedule.
 */
import * as vscode from 'vscode';
import { jobOfMessage } from '../../client/sns-messages';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { PipelineDocuments } from '../views/pipeline/documents';
import { isPipelineNode, type NodeOf, type PipelineNode } from '../views/pipeline/nodes';
import { fireRuleNow, setRuleState } from '../views/pipeline/rules';

const documentsOf = new WeakMap<Ctx, PipelineDocuments>();

/** The read-only document providers, registered at activation (a reload may restore their editors). */
export function registerPipelineDocuments(ctx: Ctx): void {
  const storage = (ctx.extension.storageUri ?? ctx.extension.globalStorageUri).fsPath;
  documentsOf.set(ctx, ctx.push(new PipelineDocuments(ctx.emulator, storage)));
}

function documents(ctx: Ctx): PipelineDocuments {
  const d = documentsOf.get(ctx);
  if (!d) throw new Error('the pipeline documents are not registered');
  return d;
}

function nodeOf<T extends PipelineNode['type']>(arg: unknown, types: readonly T[], what: string): NodeOf<T> {
  if (isPipelineNode(arg) && (types as readonly string[]).includes(arg.type)) return arg as NodeOf<T>;
  throw new UserError(`Run this command from ${what} in the Local view.`);
}

export async function openObject(ctx: Ctx, arg: unknown): Promise<void> {
  const n = nodeOf(arg, ['object'], 'an object under Buckets');
  await documents(ctx).openObject(n.bucket, n.key);
}

export async function downloadObject(ctx: Ctx, arg: unknown): Promise<void> {
  const n = nodeOf(arg, ['object'], 'an object under Buckets');
  await documents(ctx).openObject(n.bucket, n.key, true);
}

export async function openMessage(ctx: Ctx, arg: unknown): Promise<void> {
  await documents(ctx).openMessage(nodeOf(arg, ['message'], 'a message under Topics').message);
}

/** Selects the job a Batch Job State Change message is about in the Local view and shows its logs. */
export async function showMessageJob(ctx: Ctx, arg: unknown): Promise<void> {
  const job = jobOfMessage(nodeOf(arg, ['message'], 'a message under Topics').message.Message);
  if (!job) throw new UserError('This message is not about a job (it is not a Batch Job State Change event).');
  await revealMessageJob(ctx, job.jobId, job.jobName, true);
}

/** Reveals a job in the Local view and, with `logs`, opens its log. */
export async function revealMessageJob(ctx: Ctx, jobId: string, jobName: string | undefined, logs: boolean): Promise<void> {
  await vscode.commands.executeCommand('localbatch.local.focus');
  const shown = await ctx.views.local.revealJob(jobId, { focus: true });
  const conn = ctx.emulator.connection;
  if (logs && conn) {
    await vscode.commands.executeCommand('localbatch.showLogs', { kind: 'job', id: `job:${jobId}`, job: { jobId, jobName: jobName ?? jobId }, target: { label: 'local emulator', batch: conn.batch, logs: conn.logs } });
  } else if (!shown) void vscode.window.showInformationMessage(`LocalBatch: job ${jobName ?? jobId} is not listed in the Local view (it may belong to an older run).`);
}

export async function fireNow(ctx: Ctx, arg: unknown): Promise<void> {
  const n = nodeOf(arg, ['rule', 'schedule'], 'a rule or schedule');
  const fired = await fireRuleNow(ctx.emulator.requireConnection(), n);
  ctx.output.info(`fired ${fired}`);
  void vscode.window.setStatusBarMessage(`LocalBatch: fired ${fired}`, 5000);
  // The delivery is recorded once the target answers: redraw a moment later.
  setTimeout(() => ctx.views.local.refresh(), 1000);
}

async function setState(ctx: Ctx, arg: unknown, state: 'ENABLED' | 'DISABLED'): Promise<void> {
  const n = nodeOf(arg, ['rule', 'schedule'], 'a rule or schedule');
  await setRuleState(ctx.emulator.requireConnection(), n, state);
  ctx.views.local.refresh();
}

export const enableRule = (ctx: Ctx, arg: unknown): Promise<void> => setState(ctx, arg, 'ENABLED');
export const disableRule = (ctx: Ctx, arg: unknown): Promise<void> => setState(ctx, arg, 'DISABLED');
