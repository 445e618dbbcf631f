import type { RegisterJobDefinitionRequest } from '@aws-sdk/client-batch';
import { asStr } from '../../model/values';
import { Workspace } from '../../model/workspace';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { requireTrust } from '../trust';
import { definitionArg } from './definitionArg';
import { blockOnErrors, runOnEmulator } from './runOnEmulator';

/** Registers one job definition on the emulator and submits one job of it to the local queue. */
export async function runJobDefinition(ctx: Ctx, arg: unknown): Promise<void> {
  requireTrust('run jobs');
  const file = await definitionArg(ctx, arg, 'jobDefinition', 'job definition');
  const label = `job definition ${file.doc.file}`;
  await blockOnErrors(ctx, [file.doc.file], label);
  const value = file.doc.value as RegisterJobDefinitionRequest;
  const name = asStr(value.jobDefinitionName);
  if (!name) throw new UserError(`${file.doc.file} has no jobDefinitionName.`);
  const workspace = Workspace.fromDocuments([file.doc]);
  await runOnEmulator(ctx, {
    label,
    workflow: { jobs: { [name]: { jobDefinition: name } } },
    definitions: { computeEnvironments: [], jobQueues: [], jobDefinitions: [value] },
    files: [file.doc.file],
    workspace,
  });
}
