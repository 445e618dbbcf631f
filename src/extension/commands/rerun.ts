/** "Re-run" and "Re-run Failed" on a run of the Local view, from the run's file as it is now. */
import { isFinal, rerunFailedPlan, runInfoOf } from '../../model/runs';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { requireTrust } from '../trust';
import { isRunNode, type RunNode } from '../views/localTree';
import { runOnEmulator, type LocalRun } from './runOnEmulator';
import { prepareJobDefinitionRun } from './runJobDefinition';
import { prepareWorkflowRun } from './runWorkflow';

function runArg(arg: unknown): RunNode {
  if (isRunNode(arg)) return arg;
  throw new UserError('Run this command from a run in the Local view.');
}

async function prepare(ctx: Ctx, node: RunNode): Promise<LocalRun> {
  const source = node.run.source;
  if (!node.run.tagged || !source) {
    throw new UserError(`'${node.run.name}' was not started from a workspace file, so it cannot be re-run as a whole: use Resubmit Job on its jobs.`);
  }
  await ctx.index.ready();
  const file = ctx.index.all().find((f) => f.doc.file === source);
  if (!file) throw new UserError(`The run's file ${source} is no longer in this workspace.`);
  if (file.kind.kind === 'workflow') return prepareWorkflowRun(ctx, file);
  if (file.kind.kind === 'jobDefinition') return prepareJobDefinitionRun(file);
  throw new UserError(`${source} is neither a workflow nor a job definition.`);
}

/** Runs the run's file again, as a new run. */
export async function rerun(ctx: Ctx, arg: unknown): Promise<void> {
  requireTrust('run jobs');
  const node = runArg(arg);
  await runOnEmulator(ctx, await prepare(ctx, node));
}

/**
 * Resubmits the run's failed jobs and everything downstream of them into the same run, keeping the
 * jobs that succeeded (dependencies on them are satisfied and dropped).
 */
export async function rerunFailed(ctx: Ctx, arg: unknown): Promise<void> {
  requireTrust('run jobs');
  const node = runArg(arg);
  const run = ctx.runs.find(node.run.id) ?? node.run;
  if (!isFinal(run.status)) throw new UserError(`'${run.name}' is still running: wait until it ends (or terminate its jobs), then re-run what failed.`);
  const prepared = await prepare(ctx, node);
  const statusByKey = new Map(run.jobs.map((j) => [runInfoOf(j).key, j.status]));
  await runOnEmulator(ctx, { ...prepared, label: `${prepared.label} (failed jobs)` }, { runId: run.id, select: (plan) => rerunFailedPlan(plan, statusByKey) });
}
