/** The shared path of "Run Workflow Locally" and "Run Job Definition Locally": validate, register, submit. */
import path from 'node:path';
import { SubmitJobCommand } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { registerDefinitions, type DefinitionsToRegister } from '../../client/register';
import { jobDefinitionResolver, jobQueueResolver } from '../../client/workflow-run';
import type { LocalSettingsFile, WorkflowFile } from '../../model/types';
import { LOCAL_QUEUE_NAME } from '../../model/types';
import { newRunId, tagPlan } from '../../model/runs';
import { planWorkflow, submitPlan, type PlannedJob, type SubmittedJob } from '../../model/workflow-plan';
import type { Workspace } from '../../model/workspace';
import { readSettings } from '../config';
import { assetManifestFileFor } from '../../node/cdk-asset-manifest';
import type { Ctx } from '../ctx';
import { buildImagesWithCli } from '../emulator/buildImages';
import { errorMessage, UserError } from '../errors';

export interface LocalRun {
  /** What the user sees in messages, e.g. `workflow pipeline.workflow.yaml`. */
  readonly label: string;
  /** The run's name in the Local view and the workspace-relative file it comes from (for Re-run). */
  readonly name: string;
  readonly source: string;
  readonly workflow: WorkflowFile;
  readonly definitions: DefinitionsToRegister;
  /** Workspace-relative files whose errors block the run. */
  readonly files: readonly string[];
  readonly workspace: Workspace;
}

/** Errors in these files (as published in Problems) stop the run with a message. */
export async function blockOnErrors(ctx: Ctx, files: readonly string[], label: string): Promise<void> {
  await ctx.diagnostics.publish();
  const errors = files.flatMap((f) => {
    const uri = ctx.index.uriOf(f);
    return uri ? ctx.diagnostics.model(uri).filter((d) => d.severity === 'error').map((d) => ({ f, d })) : [];
  });
  if (errors.length === 0) return;
  const first = errors[0];
  throw new UserError(
    `Cannot run ${label}: ${errors.length} error(s) in its definitions. First: ${first.f}:${first.d.range.start.line + 1}: ${first.d.message}`,
    { 'Show Problems': 'workbench.actions.view.problems' },
  );
}

export interface RunOptions {
  /** Add the jobs to this run (Re-run failed) instead of starting a new one. */
  readonly runId?: string;
  /** Which of the planned jobs to submit (default: all). */
  readonly select?: (plan: PlannedJob[]) => PlannedJob[];
}

/** Builds the images the workspace's localbatch.yaml lists, through the CLI (`localbatch images build`), as `localbatch run` does. */
export async function buildListedImages(ctx: Ctx, ws: Workspace, label: string, progress: vscode.Progress<{ message?: string }>): Promise<void> {
  const settings = ws.settings;
  const settingsUri = settings && ctx.index.uriOf(settings.doc.file);
  if (!settingsUri || ((settings.value as LocalSettingsFile | undefined)?.images?.length ?? 0) === 0) return;
  progress.report({ message: 'building images' });
  await buildImagesWithCli(ctx.extension.asAbsolutePath('dist/cli.js'), path.dirname(settingsUri.fsPath), ctx.output).catch((err: Error) => {
    throw new UserError(`Cannot run ${label}: ${err.message} (details in the LocalBatch output)`);
  });
}

/**
 * Builds the container image assets of the CDK templates among `files` (workspace-relative; those
 * with cdk.out/<Stack>.assets.json beside them) through the CLI (`localbatch images cdk-assets`), as
 * `localbatch run` does; the CLI tags them for the running emulator.
 */
export async function buildCdkAssets(ctx: Ctx, files: Iterable<string>, label: string, progress: vscode.Progress<{ message?: string }>): Promise<void> {
  for (const f of new Set(files)) {
    const file = ctx.index.uriOf(f)?.fsPath;
    if (!file || !assetManifestFileFor(file)) continue;
    progress.report({ message: `building CDK assets of ${path.basename(file)}` });
    await buildImagesWithCli(ctx.extension.asAbsolutePath('dist/cli.js'), path.dirname(file), ctx.output, ['cdk-assets', file]).catch((err: Error) => {
      throw new UserError(`Cannot run ${label}: ${err.message} (details in the LocalBatch output)`);
    });
  }
}

export async function runOnEmulator(ctx: Ctx, run: LocalRun, options: RunOptions = {}): Promise<SubmittedJob[]> {
  await blockOnErrors(ctx, run.files, run.label);
  if (ctx.emulator.state !== 'running') await ctx.emulator.start(readSettings(), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  const { batch } = ctx.emulator.requireConnection();
  const submitted = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Running ${run.label} locally` }, async (progress) => {
    await buildListedImages(ctx, run.workspace, run.label, progress);
    await buildCdkAssets(ctx, run.files, run.label, progress);
    progress.report({ message: 'registering definitions' });
    const registered = await registerDefinitions(batch, run.definitions);
    for (const a of registered.actions) ctx.output.info(a);
    const full = planWorkflow(run.workflow, { defaultQueue: LOCAL_QUEUE_NAME, resolveJobDefinition: jobDefinitionResolver(run.workspace, registered.jobDefinitionArns), resolveJobQueue: jobQueueResolver(run.workspace) });
    const selected = options.select ? options.select(full) : full;
    if (selected.length === 0) throw new UserError(`Nothing to re-run in ${run.label}: every job succeeded.`);
    const plan = tagPlan(selected, { id: options.runId ?? newRunId(Date.now()), name: run.name, source: run.source, size: full.length });
    let count = 0;
    try {
      return await submitPlan(plan, async (req) => batch.send(new SubmitJobCommand(req)), (job) => {
        count++;
        ctx.output.info(`submitted ${job.name} as ${job.jobName} (${job.jobId})`);
        progress.report({ message: `submitted ${job.name}`, increment: 100 / plan.length });
      });
    } catch (err) {
      if (count === 0) throw err;
      // Cut short: the run lacks the rest. A lost connection can be retried as it is; a refusal
      // (a bad definition, say) needs a fix first.
      void ctx.runs.refresh();
      const lost = /ECONNREFUSED|ECONNRESET|socket hang up|EPIPE|ETIMEDOUT/.test(errorMessage(err));
      const next = lost ? 'Re-run Failed Jobs submits the rest once the emulator answers' : 'fix it, then Re-run Failed Jobs submits the rest';
      throw new UserError(`Submitted ${count} of ${plan.length} jobs of ${run.label}, then: ${errorMessage(err)}. ${options.runId ? '' : `The run counts the ${plan.length - count} missing; `}${next}.`);
    }
  });
  void ctx.runs.refresh();
  void vscode.commands.executeCommand('localbatch.local.focus');
  void vscode.window.showInformationMessage(`LocalBatch: submitted ${submitted.length} job(s) of ${run.label}. Follow them in the Local view.`);
  return submitted;
}
