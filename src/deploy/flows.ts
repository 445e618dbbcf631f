/**
 * The deploy and submit flows, once, for the CLI and the extension: every step (images to push, plan,
 * confirmation, apply, submit in dependency order) is here; each side only supplies its I/O (how it
 * asks, shows progress and prints). The extension loads this module on first use (`await import()`,
 * its own bundle), so nothing of src/deploy or the AWS SDK is loaded when it activates.
 */
import path from 'node:path';
import Docker from 'dockerode';
import { SubmitJobCommand, type BatchClient } from '@aws-sdk/client-batch';
import { imageExists } from '../emulator/runtime/images';
import type { Diagnostic } from '../model/diagnostics';
import type { LocalImage } from '../model/types';
import { submitPlan, type PlannedJob, type SubmittedJob } from '../model/workflow-plan';
import type { Workspace, WorkflowEntry } from '../model/workspace';
import { loadWorkspace } from '../node/load-workspace';
import { applyPlan, describeResult, type ApplyResult } from './apply';
import type { AwsTarget } from './aws';
import { imageWarnings, pushImages } from './images';
import { planDeploy, withImages, type DeployInput } from './input';
import type { DeployPlan } from './plan';
import { planHasChanges } from './plan';
import { ecrRegistryHost, pushedUri } from './registry';
import { planStateMachines } from './state-machines';
import { planAwsSubmission } from './submit';

export { applyPlan, describeResult } from './apply';
export { awsErrorMessage, openAwsTarget, AwsConfigError, type AwsTarget } from './aws';
export { blockingErrors, DeployInputError, loadDeployInput, ownedNotes } from './input';
export { planHasChanges, planSummary } from './plan';
export { planDocuments, renderPlan } from './render';
export { NotDeployedError } from './submit';
export { StateMachineSettingsError } from './state-machines';

/** How a long step reports: `report(message)` per step; the flow awaits `task`. */
export type WithProgress = <T>(title: string, task: (report: (message: string) => void) => Promise<T>) => Promise<T>;

export interface DeployIO {
  /** Lines for the log (image pushes, progress). */
  log(line: string): void;
  warn(message: string): void;
  withProgress: WithProgress;
  /** Whether to build and push these local images to ECR; undefined cancels the deploy. */
  choosePush(images: readonly string[]): Promise<boolean | undefined>;
  /** Shows the plan (with the images that will be pushed, local → pushed URI). */
  showPlan(plan: DeployPlan, pushes: ReadonlyMap<string, string>): Promise<void>;
  /** Asked only when the plan changes something; false stops before anything changes. */
  confirm(plan: DeployPlan, pushes: ReadonlyMap<string, string>): Promise<boolean>;
}

export interface DeployFlowOptions {
  readonly deregisterPrevious: boolean;
  /** Plan and show, never apply. */
  readonly dryRun?: boolean;
  /** Registry host to push to instead of ECR's (tests only). */
  readonly registryOverride?: string;
}

export type DeployOutcome =
  | { readonly kind: 'cancelled' | 'declined' }
  | { readonly kind: 'no-changes' | 'dry-run'; readonly plan: DeployPlan }
  | { readonly kind: 'applied'; readonly plan: DeployPlan; readonly result: ApplyResult; readonly lines: readonly string[] };

/** Plans `input` against `target`, asks, pushes the images chosen and applies. Throws AWS errors as they come. */
export async function runDeploy(target: AwsTarget, input: DeployInput, io: DeployIO, options: DeployFlowOptions): Promise<DeployOutcome> {
  const warnings = imageWarnings(input.desired.filter((d) => d.kind === 'jobDefinition'), input.localImages);
  const docker = new Docker();
  const candidates = await pushable([...new Set(warnings.map((w) => w.image))], input.localImages, docker);
  let push = false;
  if (candidates.length > 0) {
    const choice = await io.choosePush(candidates);
    if (choice === undefined) return { kind: 'cancelled' };
    push = choice;
  }
  const toPush = push ? candidates : [];
  for (const w of warnings) if (!toPush.includes(w.image)) io.warn(w.message);
  const pushes = new Map<string, string>();
  const plan = await io.withProgress(`planning the deploy to ${target.label}`, async () => {
    if (toPush.length > 0) {
      const registry = await ecrRegistryHost(target.ecr(), options.registryOverride);
      for (const image of toPush) pushes.set(image, pushedUri(registry, image));
    }
    const batchPlan = await planDeploy(target.batch, withImages(input.desired, pushes), { deregisterPrevious: options.deregisterPrevious });
    const machines = input.stateMachines.length > 0 ? await planStateMachines(target.sfn(), input.stateMachines) : [];
    return { items: [...batchPlan.items, ...machines] };
  });
  await io.showPlan(plan, pushes);
  if (!planHasChanges(plan) && pushes.size === 0) return { kind: 'no-changes', plan };
  if (options.dryRun) return { kind: 'dry-run', plan };
  if (!(await io.confirm(plan, pushes))) return { kind: 'declined' };
  const result = await io.withProgress('deploying', async (report) => {
    if (pushes.size > 0) {
      await pushImages({ docker, ecr: target.ecr(), images: [...pushes.keys()], localImages: input.localImages, root: input.root, registry: options.registryOverride, onProgress: (l) => io.log(l) });
    }
    return applyPlan(target.batch, plan, {
      sfn: input.stateMachines.length > 0 ? target.sfn() : undefined,
      onProgress: (p) => {
        io.log(p.message);
        report(p.message);
      },
    });
  });
  return { kind: 'applied', plan, result, lines: describeResult(result) };
}

/** The images that can be pushed: those localbatch.yaml builds and those the local engine has. */
async function pushable(images: readonly string[], local: readonly LocalImage[], docker: Docker): Promise<string[]> {
  const out: string[] = [];
  for (const image of images) if (local.some((l) => l.name === image) || (await imageExists(docker, image).catch(() => false))) out.push(image);
  return out;
}

export interface LoadedWorkflow {
  readonly diagnostics: readonly Diagnostic[];
  /** Absent when the file holds no workflow or the definitions have errors. */
  readonly workflow?: WorkflowEntry;
  /** The definitions around it (template resources map to the names they are deployed under). */
  readonly workspace?: Workspace;
}

/** Loads and validates the definitions around a workflow file (`file` absolute, messages relative to `root`). */
export async function loadWorkflowToSubmit(file: string, root: string): Promise<LoadedWorkflow> {
  const loaded = await loadWorkspace(path.dirname(file), root);
  if (loaded.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: loaded.diagnostics };
  return { diagnostics: loaded.diagnostics, workspace: loaded.workspace, workflow: loaded.workspace.workflows.find((w) => path.resolve(root, w.doc.file) === file) };
}

export interface SubmitIO {
  withProgress: WithProgress;
  /** Asked with the jobs in submission order; false submits nothing. */
  confirm(plan: readonly PlannedJob[]): Promise<boolean>;
  submitted(job: SubmittedJob): void;
}

/** Resolves the workflow against `batch`, asks, and submits its jobs in dependency order; undefined when declined. */
export async function runSubmit(batch: BatchClient, workflow: WorkflowEntry, targetLabel: string, workspace: Workspace | undefined, io: SubmitIO): Promise<SubmittedJob[] | undefined> {
  const plan = await planAwsSubmission(batch, workflow, targetLabel, workspace);
  if (!(await io.confirm(plan))) return undefined;
  return io.withProgress('submitting to AWS Batch', (report) =>
    submitPlan(
      plan,
      async (request) => {
        const res = await batch.send(new SubmitJobCommand(request));
        return { jobId: res.jobId, jobName: res.jobName };
      },
      (job) => {
        io.submitted(job);
        report(job.name);
      },
    ),
  );
}
