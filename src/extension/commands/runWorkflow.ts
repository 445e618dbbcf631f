import { referencedDefinitions } from '../../client/workflow-run';
import type { WorkflowFile } from '../../model/types';
import type { Ctx } from '../ctx';
import type { IndexedFile } from '../editing/definitionIndex';
import { requireTrust } from '../trust';
import { definitionArg } from './definitionArg';
import { blockOnErrors, runOnEmulator, type LocalRun } from './runOnEmulator';
import { UserError } from '../errors';

export async function runWorkflow(ctx: Ctx, arg: unknown): Promise<void> {
  requireTrust('run workflows');
  const file = await definitionArg(ctx, arg, 'workflow', 'workflow');
  await runOnEmulator(ctx, await prepareWorkflowRun(ctx, file));
}

/** What running a workflow file submits (its errors stop the run: runOnEmulator checks the files first). */
export async function prepareWorkflowRun(ctx: Ctx, file: IndexedFile): Promise<LocalRun> {
  const label = `workflow ${file.doc.file}`;
  const workspace = ctx.index.workspaceOf(file.doc.file);
  const workflow = workspace.workflows.find((w) => w.doc === file.doc);
  if (!workflow) {
    // An empty file, or one that does not parse, holds no workflow: its own errors say why.
    await blockOnErrors(ctx, [file.doc.file], label);
    throw new UserError(`Cannot run ${label}: the file holds no workflow yet (it needs a mapping with jobs).`);
  }
  const { files, ...definitions } = referencedDefinitions(workspace, workflow);
  return { label, name: file.doc.file, source: file.doc.file, workflow: workflow.value as unknown as WorkflowFile, definitions, files, workspace };
}
