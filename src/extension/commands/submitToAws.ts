/** `localbatch.submitToAws`: the submit flow of src/deploy/flows.ts with a modal confirmation and progress; shows the ids, refreshes the AWS view. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hasErrors } from '../../model/diagnostics';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { loadDeployFlows } from '../lazy';
import { requireTrust } from '../trust';
import { definitionArg } from './definitionArg';
import { notificationProgress, pickAwsTarget } from './deployDocuments';

export async function submitToAws(ctx: Ctx, arg: unknown): Promise<void> {
  requireTrust('submit workflows to AWS');
  const file = await definitionArg(ctx, arg, 'workflow', 'workflow');
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const abs = path.resolve(root, file.doc.file);
  await vscode.workspace.saveAll(false);
  const flows = await loadDeployFlows();
  const loaded = await flows.loadWorkflowToSubmit(abs, root);
  if (hasErrors(loaded.diagnostics)) throw new UserError(`The definitions around ${file.doc.file} have errors; nothing was submitted.`, { 'Show Problems': 'workbench.actions.view.problems' });
  const workflow = loaded.workflow;
  if (!workflow) throw new UserError(`${file.doc.file} holds no workflow.`);
  const target = await pickAwsTarget(flows);
  try {
    const submitted = await flows.runSubmit(target.batch, workflow, target.label, loaded.workspace, {
      withProgress: notificationProgress,
      confirm: async (plan) =>
        (await vscode.window.showWarningMessage(
          `Submit ${plan.length} job${plan.length === 1 ? '' : 's'} of ${path.basename(abs)} to AWS Batch in ${target.label}?`,
          { modal: true, detail: plan.map((p) => `${p.name} → ${p.request.jobQueue} (${String(p.request.jobDefinition).split('/').pop()})`).join('\n') },
          'Submit',
        )) === 'Submit',
      submitted: (job) => ctx.output.info(`submitted ${job.name}: ${job.jobId}`),
    });
    if (!submitted) return;
    ctx.views.aws.refresh();
    const ids = submitted.map((j) => `${j.name}: ${j.jobId}`).join('\n');
    const choice = await vscode.window.showInformationMessage(`LocalBatch: ${submitted.length} job${submitted.length === 1 ? '' : 's'} submitted to ${target.label}.`, { modal: false, detail: ids }, 'Copy Job IDs', 'Show Log');
    if (choice === 'Copy Job IDs') await vscode.env.clipboard.writeText(ids);
    else if (choice === 'Show Log') ctx.output.show();
  } catch (err) {
    if (err instanceof flows.NotDeployedError) throw new UserError(err.message, { 'Deploy to AWS Batch': 'localbatch.deploy' });
    if (err instanceof vscode.CancellationError || err instanceof UserError) throw err;
    throw new Error(`submit to ${target.label} failed: ${flows.awsErrorMessage(err)}`, { cause: err });
  } finally {
    target.destroy();
  }
}
