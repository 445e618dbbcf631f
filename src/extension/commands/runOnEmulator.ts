/** The shared path of "Run Workflow Locally" and "Run Job Definition Locally": validate, register, submit. */
import { SubmitJobCommand } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { registerDefinitions, type DefinitionsToRegister } from '../../client/register';
import { jobDefinitionResolver } from '../../client/workflow-run';
import type { WorkflowFile } from '../../model/types';
import { LOCAL_QUEUE_NAME } from '../../model/types';
import { planWorkflow, submitPlan, type SubmittedJob } from '../../model/workflow-plan';
import type { Workspace } from '../../model/workspace';
import { readSettings } from '../config';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';

export interface LocalRun {
  /** What the user sees, e.g. `workflow pipeline`. */
  readonly label: string;
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

export async function runOnEmulator(ctx: Ctx, run: LocalRun): Promise<SubmittedJob[]> {
  await blockOnErrors(ctx, run.files, run.label);
  if (ctx.emulator.state !== 'running') await ctx.emulator.start(readSettings(), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  const { batch } = ctx.emulator.requireConnection();
  const submitted = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Running ${run.label} locally` }, async (progress) => {
    progress.report({ message: 'registering definitions' });
    const registered = await registerDefinitions(batch, run.definitions);
    for (const a of registered.actions) ctx.output.info(a);
    const plan = planWorkflow(run.workflow, { defaultQueue: LOCAL_QUEUE_NAME, resolveJobDefinition: jobDefinitionResolver(run.workspace, registered.jobDefinitionArns) });
    return submitPlan(plan, async (req) => batch.send(new SubmitJobCommand(req)), (job) => {
      ctx.output.info(`submitted ${job.name} as ${job.jobName} (${job.jobId})`);
      progress.report({ message: `submitted ${job.name}`, increment: 100 / plan.length });
    });
  });
  void vscode.commands.executeCommand('localbatch.local.focus');
  void vscode.window.showInformationMessage(`LocalBatch: submitted ${submitted.length} job(s) of ${run.label}. Follow them in the Local view.`);
  return submitted;
}
