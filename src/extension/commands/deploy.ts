/**
 * `localbatch.deploy`: the deploy flow of src/deploy/flows.ts with VS Code I/O: a quick pick for
 * superseded revisions, modal questions, the plan as a diff editor, progress notifications. The flow
 * (and with it the AWS SDK) is loaded on first use.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeployIO } from '../../deploy/flows';
import { hasErrors } from '../../model/diagnostics';
import type { Ctx } from '../ctx';
import type { IndexedFile } from '../editing/definitionIndex';
import { UserError } from '../errors';
import { loadDeployFlows } from '../lazy';
import { requireTrust } from '../trust';
import { notificationProgress, pickAwsTarget, showPlanDiff } from './deployDocuments';

export async function deploy(ctx: Ctx): Promise<void> {
  requireTrust('deploy to AWS');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new UserError('Open a folder with AWS Batch definition files to deploy them.');
  await vscode.workspace.saveAll(false);
  const paths = await workspaceToDeploy(ctx, folder);
  if (!paths) return;
  const flows = await loadDeployFlows();
  const input = await flows.loadDeployInput(paths, folder);
  const errors = flows.blockingErrors(input);
  for (const note of flows.ownedNotes(input)) ctx.output.info(note);
  if (hasErrors(errors)) {
    const n = errors.length;
    throw new UserError(`The definitions have ${n} error${n === 1 ? '' : 's'}; nothing was deployed. Fix them first.`, { 'Show Problems': 'workbench.actions.view.problems' });
  }
  if (input.desired.length === 0 && input.stateMachines.length === 0 && (input.owned.length > 0 || input.ownedStateMachines.length > 0)) {
    void vscode.window.showInformationMessage(`LocalBatch deploys plain definition files only. ${flows.ownedNotes(input).join(' ')}`);
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
  const target = await pickAwsTarget(flows);
  const io: DeployIO = {
    log: (line) => ctx.output.info(line),
    warn: (message) => ctx.output.warn(message),
    withProgress: notificationProgress,
    choosePush: async (images) => {
      const choice = await vscode.window.showWarningMessage(
        `${images.join(', ')} ${images.length === 1 ? 'is' : 'are'} built locally: AWS cannot pull ${images.length === 1 ? 'it' : 'them'}. Build and push to ECR?`,
        { modal: true },
        'Push to ECR',
        'Deploy Without Pushing',
      );
      return choice === undefined ? undefined : choice === 'Push to ECR';
    },
    showPlan: async (plan, pushes) => {
      ctx.output.info(flows.renderPlan(plan, target.label).join('\n'));
      if (!flows.planHasChanges(plan) && pushes.size === 0) return;
      const docs = flows.planDocuments(plan);
      await showPlanDiff(ctx, target.region, docs.current, docs.after);
    },
    confirm: async (plan, pushes) => {
      const detail = [flows.planSummary(plan), ...plan.items.filter((i) => i.action === 'cannot-change').map((i) => `${i.name}: ${i.reason}`), ...[...pushes].map(([a, b]) => `push ${a} → ${b}`)].join('\n');
      return (await vscode.window.showWarningMessage(`Deploy to AWS Batch in ${target.label}?`, { modal: true, detail }, 'Deploy')) === 'Deploy';
    },
  };
  try {
    const outcome = await flows.runDeploy(target, input, io, { deregisterPrevious: deregister.deregister });
    if (outcome.kind === 'no-changes') {
      await vscode.window.showInformationMessage(`LocalBatch: no changes: AWS Batch in ${target.label} already matches the definitions.`);
      return;
    }
    if (outcome.kind !== 'applied') return;
    const { result, lines } = outcome;
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
    throw new Error(`deploy to ${target.label} (${path.basename(folder)}) failed: ${flows.awsErrorMessage(err)}`, { cause: err });
  } finally {
    target.destroy();
  }
}

/**
 * What to deploy: the folder, or, when it holds several workspaces (subfolders with their own
 * localbatch.yaml), the one chosen (a deploy uses one workspace's settings; the folder's own leaves
 * the nested ones out, as `localbatch deploy` does).
 */
async function workspaceToDeploy(ctx: Ctx, folder: string): Promise<string[] | undefined> {
  await ctx.index.ready();
  const inFolder = (f: IndexedFile) => f.uri.fsPath.startsWith(folder + path.sep);
  const groups = ctx.index.groups().filter((files) => files.some(inFolder));
  if (groups.length <= 1) return [folder];
  const items = groups.map((files) => {
    const settings = files.find((f) => f.kind.kind === 'settings' && inFolder(f));
    const dir = settings ? path.dirname(settings.uri.fsPath) : folder;
    return {
      label: dir === folder ? '(the folder itself)' : path.relative(folder, dir).split(path.sep).join('/'),
      description: settings ? path.relative(folder, settings.uri.fsPath).split(path.sep).join('/') : 'no localbatch.yaml',
      detail: `${files.length} file${files.length === 1 ? '' : 's'}`,
      paths: [dir],
    };
  });
  const chosen = await vscode.window.showQuickPick(items, { placeHolder: 'This folder holds several workspaces (a localbatch.yaml each): which one to deploy?' });
  return chosen?.paths;
}
