import { referencedDefinitions } from '../../client/workflow-run';
import type { WorkflowFile } from '../../model/types';
import type { Ctx } from '../ctx';
import type { IndexedFile } from '../editing/definitionIndex';
import { requireTrust } from '../trust';
import { definitionArg } from './definitionArg';
import { runOnEmulator, type LocalRun } from './runOnEmulator';

export async function runWorkflow(ctx: Ctx, arg: unknown): Promise<void> {
  requireTrust('run workflows');
  const file = await definitionArg(ctx, arg, 'workflow', 'workflow');
  await runOnEmulator(ctx, prepareWorkflowRun(ctx, file));
}

/** What running a workflow file submits (its errors stop the run: runOnEmulator checks the files first). */
export function prepareWorkflowRun(ctx: Ctx, file: IndexedFile): LocalRun {
  const label = `workflow ${file.doc.file}`;
  const workspace = ctx.index.workspaceOf(file.doc.file);
  const workflow = workspace.workflows.find((w) => w.doc === file.doc)!;
  const { files, ...definitions } = referencedDefinitions(workspace, workflow);
  return { label, name: file.doc.file, source: file.doc.file, workflow: workflow.value as unknown as WorkflowFile, definitions, files, workspace };
}
