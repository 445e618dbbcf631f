/**
 * What running a workflow from workspace files needs: the definitions it references (to register on
 * the target first) and how its references map to what SubmitJob receives there.
 */
import type { CreateComputeEnvironmentRequest, CreateJobQueueRequest, RegisterJobDefinitionRequest } from '@aws-sdk/client-batch';
import type { DefinitionEntry, Workspace, WorkflowEntry } from '../model/workspace';
import { asArr, asStr, prop } from '../model/values';
import type { DefinitionsToRegister } from './register';

/** The job definitions, queues and compute environments of the workspace that a workflow uses. */
export function referencedDefinitions(ws: Workspace, workflow: WorkflowEntry): DefinitionsToRegister & { files: string[] } {
  const jobDefinitions = new Map<string, DefinitionEntry>();
  const jobQueues = new Map<string, DefinitionEntry>();
  const computeEnvironments = new Map<string, DefinitionEntry>();
  for (const job of workflow.jobs) {
    const jd = ws.jobDefinition(asStr(job.value.jobDefinition) ?? '');
    if (jd) jobDefinitions.set(jd.name, jd);
    const q = ws.jobQueue(asStr(job.value.jobQueue) ?? '');
    if (q) jobQueues.set(q.name, q);
  }
  for (const q of jobQueues.values()) {
    for (const order of asArr(q.value.computeEnvironmentOrder) ?? []) {
      const ce = ws.computeEnvironment(asStr(prop(order, 'computeEnvironment')) ?? '');
      if (ce) computeEnvironments.set(ce.name, ce);
    }
  }
  const all = [...computeEnvironments.values(), ...jobQueues.values(), ...jobDefinitions.values()];
  return {
    computeEnvironments: [...computeEnvironments.values()].map((e) => e.value as unknown as CreateComputeEnvironmentRequest),
    jobQueues: [...jobQueues.values()].map((e) => e.value as unknown as CreateJobQueueRequest),
    jobDefinitions: [...jobDefinitions.values()].map((e) => e.value as unknown as RegisterJobDefinitionRequest),
    files: [workflow.doc.file, ...all.map((e) => e.doc.file)],
  };
}

/** Maps a workflow's job definition reference to the ARN just registered for that name, else leaves it. */
export function jobDefinitionResolver(ws: Workspace, registeredArns: ReadonlyMap<string, string>): (ref: string) => string {
  return (ref) => {
    const entry = ws.jobDefinition(ref);
    return (entry && registeredArns.get(entry.name)) ?? ref;
  };
}

/** Maps a workflow's queue reference (a name, ARN or template logical id) to the queue's name, else leaves it. */
export function jobQueueResolver(ws: Workspace): (ref: string) => string {
  return (ref) => ws.jobQueue(ref)?.name ?? ref;
}
