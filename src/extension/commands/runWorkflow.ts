import { referencedDefinitions } from '../../client/workflow-run';
import type { WorkflowFile } from '../../model/types';
import { Workspace } from '../../model/workspace';
import type { Ctx } from '../ctx';
import { requireTrust } from '../trust';
import { definitionArg } from './definitionArg';
import { blockOnErrors, runOnEmulator } from './runOnEmulator';

export async function runWorkflow(ctx: Ctx, arg: unknown): Promise<void> {
  requireTrust('run workflows');
  const file = await definitionArg(ctx, arg, 'workflow', 'workflow');
  const label = `workflow ${file.doc.file}`;
  await blockOnErrors(ctx, [file.doc.file], label);
  const workspace = Workspace.fromDocuments(ctx.index.all().map((f) => f.doc));
  const workflow = workspace.workflows.find((w) => w.doc === file.doc)!;
  const { files, ...definitions } = referencedDefinitions(workspace, workflow);
  await runOnEmulator(ctx, { label, workflow: workflow.value as unknown as WorkflowFile, definitions, files, workspace });
}
