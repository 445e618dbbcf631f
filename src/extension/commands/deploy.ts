/** `localbatch.deploy`: plan against AWS, show it as a diff, confirm (modal), apply with progress. Logic lives in src/deploy. */
import * as path from 'node:path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import { applyPlan, describeResult } from '../../deploy/apply';
import { awsErrorMessage } from '../../deploy/aws';
import { imageWarnings, pushImages } from '../../deploy/images';
import { blockingErrors, loadDeployInput, ownedNotes, planDeploy, withImages } from '../../deploy/input';
import { planHasChanges, planSummary } from '../../deploy/plan';
import { ecrRegistryHost, pushedUri } from '../../deploy/registry';
import { planDocuments, renderPlan } from '../../deploy/render';
import { hasErrors } from '../../model/diagnostics';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { requireTrust } from '../trust';
import { pickAwsTarget, showPlanDiff } from './deployDocuments';

export async function deploy(ctx: Ctx): Promise<void> {
  requireTrust('deploy to AWS');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new UserError('Open a folder with AWS Batch definition files to deploy them.');
  await vscode.workspace.saveAll(false);
  const input = await loadDeployInput([folder], folder);
  const errors = blockingErrors(input);
  for (const note of ownedNotes(input)) ctx.output.info(note);
  if (hasErrors(errors)) {
    const n = errors.length;
    throw new UserError(`The definitions have ${n} error${n === 1 ? '' : 's'}; nothing was deployed. Fix them first.`, { 'Show Problems': 'workbench.actions.view.problems' });
  }
  if (input.desired.length === 0 && input.owned.length > 0) {
    void vscode.window.showInformationMessage(`LocalBatch deploys plain definition files only. ${ownedNotes(input).join(' ')}`);
    return;
  }
  const deregister = await vscode.window.showQuickPick(
    [
      { label: 'Keep previous revisions', picked: true, deregister: false, description: 'superseded job definition revisions stay ACTIVE' },
      { label: 'Deregister previous revisions', deregister: true, description: 'like CloudFormation: superseded revisions become INACTIVE' },
    ],
    { placeHolder: 'Job definitions: what happens to the revisions a deploy supersedes?' },
  );
  if (!deregister) return;
  const target = await pickAwsTarget();
  try {
    const warnings = imageWarnings(input.desired.filter((d) => d.kind === 'jobDefinition'), input.localImages);
    for (const w of warnings) ctx.output.warn(w.message);
    const toPush = [...new Set(warnings.filter((w) => input.localImages.some((l) => l.name === w.image)).map((w) => w.image))];
    let push = false;
    if (toPush.length > 0) {
      const choice = await vscode.window.showWarningMessage(
        `${toPush.join(', ')} ${toPush.length === 1 ? 'is' : 'are'} built locally: AWS cannot pull ${toPush.length === 1 ? 'it' : 'them'}. Build and push to ECR?`,
        { modal: true },
        'Push to ECR',
        'Deploy Without Pushing',
      );
      if (!choice) return;
      push = choice === 'Push to ECR';
    }
    const predicted = new Map<string, string>();
    const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `LocalBatch: planning the deploy to ${target.label}` }, async () => {
      if (push) {
        const registry = await ecrRegistryHost(target.ecr());
        for (const image of toPush) predicted.set(image, pushedUri(registry, image));
      }
      return planDeploy(target.batch, withImages(input.desired, predicted), { deregisterPrevious: deregister.deregister });
    });
    ctx.output.info(renderPlan(plan, target.label).join('\n'));
    if (!planHasChanges(plan) && predicted.size === 0) {
      await vscode.window.showInformationMessage(`LocalBatch: no changes: AWS Batch in ${target.label} already matches the definitions.`);
      return;
    }
    const docs = planDocuments(plan);
    await showPlanDiff(ctx, target.region, docs.current, docs.after);
    const detail = [planSummary(plan), ...plan.items.filter((i) => i.action === 'cannot-change').map((i) => `${i.name}: ${i.reason}`), ...[...predicted].map(([a, b]) => `push ${a} → ${b}`)].join('\n');
    const ok = await vscode.window.showWarningMessage(`Deploy to AWS Batch in ${target.label}?`, { modal: true, detail }, 'Deploy');
    if (ok !== 'Deploy') return;
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'LocalBatch: deploying', cancellable: false }, async (progress) => {
      if (predicted.size > 0) {
        await pushImages({ docker: new Docker(), ecr: target.ecr(), images: [...predicted.keys()], localImages: input.localImages, root: input.root, onProgress: (l) => ctx.output.info(l) });
      }
      return applyPlan(target.batch, plan, {
        onProgress: (p) => {
          ctx.output.info(p.message);
          progress.report({ message: p.message });
        },
      });
    });
    const lines = describeResult(result);
    ctx.output.info(lines.join('\n'));
    ctx.views.aws.refresh();
    if (result.failed) {
      const choice = await vscode.window.showErrorMessage(`LocalBatch: the deploy stopped: ${result.failed.error.message}`, { detail: lines.join('\n') }, 'Show Log');
      if (choice) ctx.output.show();
    } else {
      const done = `${result.applied.length} change${result.applied.length === 1 ? '' : 's'} applied in ${target.label}`;
      const skipped = result.skipped.length > 0 ? `; ${result.skipped.length} left as they are (cannot change in place, see the log)` : '';
      void vscode.window.showInformationMessage(`LocalBatch: deploy complete: ${done}${skipped}.`);
    }
  } catch (err) {
    if (err instanceof vscode.CancellationError || err instanceof UserError) throw err;
    throw new Error(`deploy to ${target.label} (${path.basename(folder)}) failed: ${awsErrorMessage(err)}`, { cause: err });
  } finally {
    target.destroy();
  }
}
