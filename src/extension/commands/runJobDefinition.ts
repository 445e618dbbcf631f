import type { RegisterJobDefinitionRequest } from '@aws-sdk/client-batch';
import { asStr } from '../../model/values';
import { Workspace } from '../../model/workspace';
import type { Ctx } from '../ctx';
import type { IndexedFile } from '../editing/definitionIndex';
import { UserError } from '../errors';
import { requireTrust } from '../trust';
import { definitionArg } from './definitionArg';
import { blockOnErrors, runOnEmulator, type LocalRun } from './runOnEmulator';

/** Registers one job definition on the emulator and submits one job of it to the local queue. */
export async function runJobDefinition(ctx: Ctx, arg: unknown): Promise<void> {
  requireTrust('run jobs');
  const file = await definitionArg(ctx, arg, 'jobDefinition', 'job definition');
  await runOnEmulator(ctx, prepareJobDefinitionRun(ctx, file));
}

/** What running a job definition file submits: one job of it (its errors stop it here). */
export function prepareJobDefinitionRun(ctx: Ctx, file: IndexedFile): LocalRun {
  const label = `job definition ${file.doc.file}`;
  blockOnErrors(ctx, [file.doc.file], label);
  const value = file.doc.value as RegisterJobDefinitionRequest;
  const name = asStr(value.jobDefinitionName);
  if (!name) throw new UserError(`${file.doc.file} has no jobDefinitionName.`);
  return {
    label,
    name: file.doc.file,
    source: file.doc.file,
    workflow: { jobs: { [name]: { jobDefinition: name } } },
    definitions: { computeEnvironments: [], jobQueues: [], jobDefinitions: [value] },
    files: [file.doc.file],
    workspace: Workspace.fromDocuments([file.doc]),
  };
}
