/**
 * Every message published to one of the emulator's SNS topics (by a rule, a schedule, a state
 * machine or a job's own code) shows as a notification: topic, subject and message, and when the
 * message is a Batch Job State Change, Show Job (selects it in the Local view) and Show Logs. At
 * most three per 10 s; the rest are announced together (see NotificationGate).
 */
import * as vscode from 'vscode';
import { jobOfMessage, NotificationGate, notificationText, type SnsNotification } from '../../client/sns-messages';
import { revealMessageJob } from '../commands/pipeline';
import type { Ctx } from '../ctx';
import type { PipelineNode } from '../views/pipeline/nodes';

export function notifySnsMessages(ctx: Ctx): vscode.Disposable {
  const gate = new NotificationGate();
  let timer: NodeJS.Timeout | undefined;
  const flushLater = () => {
    const at = gate.flushAt();
    if (at === undefined || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      const n = gate.flush();
      if (n > 0) void vscode.window.showInformationMessage(`LocalBatch SNS: ${n} more message${n === 1 ? '' : 's'}; see Topics in the Local view.`);
    }, Math.max(0, at - Date.now()));
  };
  const sub = ctx.emulator.onSnsMessage((m) => {
    ctx.output.info(`SNS message ${m.MessageId} on ${m.TopicArn}${m.Subject ? ` (${m.Subject})` : ''}`);
    if (!gate.admit(Date.now())) {
      flushLater();
      return;
    }
    void show(ctx, m).catch((err: unknown) => ctx.output.error(`SNS notification: ${String(err)}`));
  });
  return { dispose: () => (sub.dispose(), clearTimeout(timer)) };
}

async function show(ctx: Ctx, m: SnsNotification): Promise<void> {
  const job = jobOfMessage(m.Message);
  const text = notificationText(m);
  const actions = job ? ['Show Job', 'Show Logs'] : ['Open Message'];
  const choice = job?.status === 'FAILED' ? await vscode.window.showWarningMessage(text, ...actions) : await vscode.window.showInformationMessage(text, ...actions);
  if (choice === 'Show Job' || choice === 'Show Logs') await revealMessageJob(ctx, job!.jobId, job!.jobName, choice === 'Show Logs');
  if (choice === 'Open Message') {
    const node: PipelineNode = { kind: 'pipeline', type: 'message', id: `sns:${m.TopicArn}/msg:${m.MessageId}`, message: m };
    await vscode.commands.executeCommand('localbatch.openMessage', node);
  }
}
