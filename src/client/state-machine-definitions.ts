/**
 * What a state machine's Batch Tasks need from the workspace: the job definitions and job queues
 * they name (literally: ARNs, names, logical ids), and the compute environments of those queues.
 * `localbatch run` and the editor's Run State Machine Locally register them; `run` builds the CDK
 * image assets of the job definitions first.
 */
import type { CreateComputeEnvironmentRequest, CreateJobQueueRequest, RegisterJobDefinitionRequest } from '@aws-sdk/client-batch';
import { batchReferences, mapBatchReferences } from '../model/asl/batch-refs';
import { asArr, asStr, prop } from '../model/values';
import type { DefinitionEntry, Workspace } from '../model/workspace';
import type { DefinitionsToRegister, Registered } from './register';

export interface TaskDefinitionEntries {
  readonly computeEnvironments: DefinitionEntry[];
  readonly jobQueues: DefinitionEntry[];
  readonly jobDefinitions: DefinitionEntry[];
}

/** The workspace's entries the Batch Tasks of `definition` name, each once. */
export function taskDefinitionEntries(ws: Workspace, definition: unknown): TaskDefinitionEntries {
  const refs = batchReferences(definition);
  const unique = (entries: Array<DefinitionEntry | undefined>) => [...new Map(entries.filter((e): e is DefinitionEntry => e !== undefined).map((e) => [e.name, e])).values()];
  const jobQueues = unique(refs.jobQueues.map((r) => ws.jobQueue(r)));
  return {
    computeEnvironments: unique(jobQueues.flatMap((q) => (asArr(q.value.computeEnvironmentOrder) ?? []).map((o) => ws.computeEnvironment(asStr(prop(o, 'computeEnvironment')) ?? '')))),
    jobQueues,
    jobDefinitions: unique(refs.jobDefinitions.map((r) => ws.jobDefinition(r))),
  };
}

/** {@link taskDefinitionEntries} as the requests that register them. */
export function taskDefinitions(ws: Workspace, definition: unknown): DefinitionsToRegister {
  const e = taskDefinitionEntries(ws, definition);
  return {
    computeEnvironments: e.computeEnvironments.map((x) => x.value as unknown as CreateComputeEnvironmentRequest),
    jobQueues: e.jobQueues.map((x) => x.value as unknown as CreateJobQueueRequest),
    jobDefinitions: e.jobDefinitions.map((x) => x.value as unknown as RegisterJobDefinitionRequest),
  };
}

/**
 * The definition to create on the emulator: its Batch Tasks' job definitions and queues (names, ARNs
 * of another account, a template's logical ids) mapped to the names of the job definitions just
 * registered and of the queues. A name, not a revision: Batch takes its latest ACTIVE revision when
 * the Task submits the job, as on AWS, so a redrive after the job definition was fixed (and
 * registered again) runs the fix.
 */
export function localDefinition(ws: Workspace, definition: Record<string, unknown>, registered: Pick<Registered, 'jobDefinitionArns'>): Record<string, unknown> {
  return mapBatchReferences(definition, {
    jobDefinition: (ref) => {
      const e = ws.jobDefinition(ref);
      return e && registered.jobDefinitionArns.has(e.name) ? e.name : undefined;
    },
    jobQueue: (ref) => ws.jobQueue(ref)?.name,
  });
}
