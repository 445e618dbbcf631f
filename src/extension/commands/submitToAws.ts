/** `localbatch.submitToAws`: confirm, submit a workflow to AWS Batch in dependency order, show the ids, refresh the AWS view. */
import * as path from 'node:path';
import { SubmitJobCommand } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { awsErrorMessage } from '../../deploy/aws';
import { NotDeployedError, planAwsSubmission } from '../../deploy/submit';
import { hasErrors } from '../../model/diagnostics';
import { submitPlan } from '../../model/workflow-plan';
import { loadWorkspace } from '../../node/load-workspace';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { requireTrust } from '../trust';
import { definitionArg } from './definitionArg';
import { pickAwsTarget } from './deployDocuments';

export async function submitToAws(ctx: Ctx, arg: unknown): Promise<void> {
  requireTrust('submit workflows to AWS');
  const file = await definitionArg(ctx, arg, 'workflow', 'workflow');
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const abs = path.resolve(root, file.doc.file);
  await vscode.workspace.saveAll(false);
  const loaded = await loadWorkspace(path.dirname(abs), root);
  if (hasErrors(loaded.diagnostics)) throw new UserError(`The definitions around ${file.doc.file} have errors; nothing was submitted.`, { 'Show Problems': 'workbench.actions.view.problems' });
  const workflow = loaded.workspace.workflows.find((w) => path.resolve(root, w.doc.file) === abs);
  if (!workflow) throw new UserError(`${file.doc.file} holds no workflow.`);
  const target = await pickAwsTarget();
  try {
    const plan = await planAwsSubmission(target.batch, workflow, target.label, loaded.workspace);
    const ok = await vscode.window.showWarningMessage(
      `Submit ${plan.length} job${plan.length === 1 ? '' : 's'} of ${path.basename(abs)} to AWS Batch in ${target.label}?`,
      { modal: true, detail: plan.map((p) => `${p.name} → ${p.request.jobQueue} (${String(p.request.jobDefinition).split('/').pop()})`).join('\n') },
      'Submit',
    );
    if (ok !== 'Submit') return;
    const submitted = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'LocalBatch: submitting to AWS Batch' }, (progress) =>
      submitPlan(
        plan,
        async (request) => {
          const res = await target.batch.send(new SubmitJobCommand(request));
          return { jobId: res.jobId, jobName: res.jobName };
        },
        (job) => {
          ctx.output.info(`submitted ${job.name}: ${job.jobId}`);
          progress.report({ message: job.name });
        },
      ),
    );
    ctx.views.aws.refresh();
    const ids = submitted.map((j) => `${j.name}: ${j.jobId}`).join('\n');
    const choice = await vscode.window.showInformationMessage(`LocalBatch: ${submitted.length} job${submitted.length === 1 ? '' : 's'} submitted to ${target.label}.`, { modal: false, detail: ids }, 'Copy Job IDs', 'Show Log');
    if (choice === 'Copy Job IDs') await vscode.env.clipboard.writeText(ids);
    else if (choice === 'Show Log') ctx.output.show();
  } catch (err) {
    if (err instanceof NotDeployedError) throw new UserError(err.message, { 'Deploy to AWS Batch': 'localbatch.deploy' });
    if (err instanceof vscode.CancellationError || err instanceof UserError) throw err;
    throw new Error(`submit to ${target.label} failed: ${awsErrorMessage(err)}`, { cause: err });
  } finally {
    target.destroy();
  }
}
