/**
 * One `localbatch run`: register what the run needs, submit it in dependency order, follow its
 * events until every job has finished (or can never start), then report. Talks to the emulator
 * only through the AWS Batch API and its event stream.
 */
import { SubmitJobCommand, TerminateJobCommand, type JobDetail } from '@aws-sdk/client-batch';
import Docker from 'dockerode';
import path from 'node:path';
import { subscribeEvents, type JobStateChangeDetail } from '../../client/events';
import { EventHold } from './event-hold';
import { interruptJob } from '../../client/interrupt';
import { describeJobs } from '../../client/jobs';
import { registerDefinitions } from '../../client/register';
import { jobDefinitionResolver, jobQueueResolver, referencedDefinitions } from '../../client/workflow-run';
import { prepareImages } from './images';
import { LOCAL_QUEUE_NAME, type LocalSettingsFile, type WorkflowFile } from '../../model/types';
import { newRunId, tagPlan } from '../../model/runs';
import { planWorkflow, submitPlan, type PlannedJob } from '../../model/workflow-plan';
import type { DefinitionEntry, Workspace, WorkflowEntry } from '../../model/workspace';
import { RandomInterrupter } from './chaos';
import { outputLine, renderTable, stuckHints, stuckLine, summaryLines, transitionLine } from './render';
import type { RuntimeKind, Session } from './session';
import { RunTracker, type TimeLimited } from './tracker';
import { removeRunContainers } from './force-stop';
import { backLine, emulatorGone, errorText, stoppedMessage, waitForEmulator, type WaitOutcome } from './reconnect';
import { isFinalJobStatus } from '../../model/types';
import { stateDirCandidates } from '../../node/state-dirs';
import { CliError } from '../errors';

export type RunTarget = { readonly kind: 'workflow'; readonly workflow: WorkflowEntry } | { readonly kind: 'jobDefinition'; readonly definition: DefinitionEntry };

export interface RunContext {
  readonly session: Session;
  readonly workspace: Workspace;
  readonly workspaceRoot: string;
  /** The state directory the run's emulator uses (for the `localbatch logs` hints). */
  readonly stateDir?: string;
  readonly target: RunTarget;
  readonly settings?: LocalSettingsFile;
  readonly parameters: Readonly<Record<string, string>>;
  readonly json: boolean;
  readonly runtime: RuntimeKind;
  /** Probability that an attempt is interrupted (a rehearsed Spot interruption); 0: never. */
  readonly interruptRate?: number;
  readonly out: NodeJS.WriteStream;
  readonly err: NodeJS.WriteStream;
}

const RECONCILE_MS = 5_000;
const INTERRUPT_GRACE_MS = 40_000;
const EXIT_INTERRUPTED = 130;

export async function executeRun(ctx: RunContext): Promise<number> {
  const { session } = ctx;
  const progress = ctx.json ? ctx.err : ctx.out;
  const live = progress.isTTY === true && !process.env.CI;
  const tracker = new RunTracker();
  let interrupted = false;
  let forcing = false;
  // Waiting for a stopped shared emulator to come back: Ctrl-C ends the waiting (nothing to terminate).
  let waiting = false;
  // A line written below the live table: the table is drawn anew below it (set once the table exists).
  let belowTable: () => void = () => {};
  const onSigint = () => {
    if (waiting) {
      if (!interrupted) progress.write('\nInterrupted: no longer waiting for the emulator (the jobs are kept)…\n');
      belowTable();
      interrupted = true;
      return;
    }
    if (interrupted) {
      // Asked twice: stop waiting, remove the run's containers now and exit.
      if (forcing) process.exit(EXIT_INTERRUPTED);
      forcing = true;
      progress.write('\nInterrupted again: force-removing the run\'s containers and exiting…\n');
      const docker = ctx.runtime === 'docker' ? (session.host?.docker ?? new Docker()) : undefined;
      const removed = docker ? removeRunContainers(docker, tracker.jobs.map((j) => j.jobId)) : Promise.resolve(0);
      void removed.finally(() => process.exit(EXIT_INTERRUPTED));
      return;
    }
    interrupted = true;
    progress.write('\nInterrupted: terminating the run\'s jobs and removing their containers (press Ctrl-C again to force-stop)…\n');
    belowTable();
    wake();
  };
  let wake: () => void = () => {};
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let events: { close(): void } | undefined;
  try {
    if (ctx.runtime === 'docker') await prepareImages({ ...ctx, docker: ctx.session.host?.docker ?? new Docker(), say: (line) => progress.write(line + '\n') });
    const plan = await prepare(ctx);

    // Subscribe before submitting, and hold events until the ids are known.
    let buffered: EventHold | undefined = new EventHold();
    // The times the progress lines show never go back (a job's events can arrive before its SubmitJob answers).
    let shown = 0;
    const inOrder = (at: number) => (shown = Math.max(shown, at));
    let streamError: Error | undefined;
    // Resolves once the stream is open (or with the error that closed it first); a close sets streamError.
    const subscribe = () => new Promise<Error | undefined>((resolve) => {
      events?.close();
      streamError = undefined;
      events = subscribeEvents(session.endpoint, {
        onOpen: () => resolve(undefined),
        onEvent: (e) => {
          if (buffered) buffered.push(e.detail, Date.now());
          else apply(e.detail, Date.now());
        },
        onClose: (error) => {
          streamError = error ?? new Error('the emulator closed the event stream');
          resolve(streamError);
          wake();
        },
      });
    });
    const refused = await subscribe();
    if (refused) throw refused;
    const chaos = new RandomInterrupter(ctx.interruptRate ?? 0, {
      interrupt: (jobId) => interruptJob(session.endpoint, jobId),
      random: Math.random,
      later: (ms, fn) => void setTimeout(fn, ms),
      report: (jobId, outcome) => progress.write(`${new Date(inOrder(Date.now())).toISOString().slice(11, 19)} ${displayName(tracker, jobId)} ${outcome}\n`),
    });
    const apply = (detail: JobStateChangeDetail, at: number) => {
      const t = tracker.apply(detail, at);
      if (t?.status === 'RUNNING') chaos.onRunning(t.child === undefined ? t.job.jobId : `${t.job.jobId}:${t.child}`);
      if (t && !live) {
        const line = transitionLine(t, inOrder(at));
        if (line) progress.write(line + '\n');
      }
      wake();
    };

    if (interrupted) return EXIT_INTERRUPTED; // nothing submitted yet
    let submitting: string | undefined = plan[0]?.name;
    await submitPlan(plan, (req) => {
      submitting = req.jobName;
      return session.batch.send(new SubmitJobCommand(req));
    }, (s) => {
      const planned = plan.find((p) => p.name === s.name);
      tracker.add(s.name, s.jobId, Date.now(), planned?.request.arrayProperties?.size, planned?.request.jobQueue);
      if (!live) progress.write(`${new Date(inOrder(Date.now())).toISOString().slice(11, 19)} ${s.name} SUBMITTED (${s.jobId})\n`);
      for (const [d, at] of buffered?.release(s.jobId) ?? []) apply(d, at);
    }).catch(async (err: unknown) => {
      // The emulator refused the job (a ClientException: what it cannot run, or bad input): one line, no stack.
      if ((err as { $fault?: string })?.$fault !== 'client') throw err;
      const submitted = tracker.jobs.length;
      if (submitted > 0) await terminateAll(ctx, tracker, `Run stopped by localbatch: SubmitJob of ${submitting} was refused`);
      throw new CliError(`SubmitJob of ${submitting} was refused: ${(err as Error).message}${submitted > 0 ? ` (the ${submitted} job${submitted === 1 ? '' : 's'} submitted before it ${submitted === 1 ? 'was' : 'were'} terminated)` : ''}`, 1);
    });
    const early = buffered.releaseAll();
    buffered = undefined;
    for (const [d, at] of early) apply(d, at);

    let lastDrawn = 0;
    const draw = () => {
      if (!live) return;
      const lines = renderTable(tracker.jobs, Date.now(), progress.columns ?? 100);
      if (lastDrawn > 0) progress.write(`\x1b[${lastDrawn}A`);
      progress.write(lines.map((l) => `\x1b[2K${l}`).join('\n') + '\n');
      lastDrawn = lines.length;
    };
    belowTable = () => (lastDrawn = 0);
    let stuck: string | undefined;
    const ticker = setInterval(draw, 250);
    // Not while the emulator is away (from its stop until the catch-up once it is back): what changed
    // then is printed by that catch-up.
    let away = false;
    const reconciler = setInterval(() => void (away ? undefined : reconcile(ctx, tracker).then(wake, () => undefined)), RECONCILE_MS);
    // A shared emulator that stops mid-run (restarted to take new settings, stopped by mistake) is
    // waited for: once one serves the state directory again, the run is followed there.
    let stoppedAt = session.endpoint.url;
    let outcome: WaitOutcome = 'not-waited';
    const comeBack = async (): Promise<boolean> => {
      if (!streamError) return false;
      stoppedAt = session.endpoint.url;
      away = true;
      waiting = true;
      const say = (t: string) => {
        progress.write(t);
        belowTable();
      };
      try {
        outcome = await waitForEmulator(session, streamError.message, `its ${unfinished(tracker)} kept`, say, () => interrupted, ctx.stateDir);
      } finally {
        waiting = false;
      }
      if (outcome !== 'back') return false;
      if (await subscribe()) return true; // gone again: wait again
      say(backLine(session));
      // What changed while it was away (the lines of those changes, as the events would have given).
      await reconcile(ctx, tracker, apply).catch(() => undefined);
      away = false;
      return true;
    };
    try {
      const timeLimited = timeLimitedQueues(ctx.workspace);
      while (!tracker.done && !interrupted && !(stuck = tracker.stuckReason(timeLimited))) {
        if (streamError) {
          if (await comeBack()) continue;
          break;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      clearInterval(ticker);
      clearInterval(reconciler);
      draw();
    }
    if (streamError && !tracker.done) {
      // The shared emulator stopped (localbatch stop, Ctrl-C where it runs, killed) and did not come
      // back in time, or Ctrl-C stopped the waiting: one line, no stack.
      throw new CliError(stoppedMessage(stoppedAt, streamError.message, outcome, `its ${unfinished(tracker)} kept`, followJobs(tracker)), interrupted ? EXIT_INTERRUPTED : 1);
    }
    if (stuck) progress.write(stuckLine(stuck, ctx.settings?.capacity ?? {}));
    const stopped = stuck ? [`Run stopped by localbatch: ${stuck}`, ...stuckHints(stuck, ctx.settings?.capacity ?? {})].join(' ') : undefined;
    if (interrupted || stopped) await terminateAll(ctx, tracker, interrupted ? 'Run interrupted by the user' : stopped!);

    const details = await describeAll(ctx, tracker);
    if (ctx.json) ctx.out.write(JSON.stringify(details, null, 2) + '\n');
    const summary = summaryLines(tracker.jobs, Date.now());
    const failed = details.filter((d) => d.status === 'FAILED' && !d.arrayProperties?.size).slice(0, 5);
    const logsCommand = (jobId: string | undefined) => `localbatch logs ${jobId}${stateDirOption(ctx.stateDir)}`;
    for (const f of failed) summary.push(`  ${f.jobName}${f.arrayProperties?.index !== undefined ? `[${f.arrayProperties.index}]` : ''} (${f.jobId}): ${f.statusReason ?? 'FAILED'}${f.container?.reason && f.container.reason !== f.statusReason ? `: ${f.container.reason}` : ''}${f.container?.logStreamName ? ` — ${logsCommand(f.jobId)}` : ''}`);
    if (failed.length === 0 && tracker.jobs.length > 0) summary.push(outputLine(tracker.jobs, stateDirOption(ctx.stateDir)));
    progress.write('\n' + summary.join('\n') + '\n');
    if (interrupted) return EXIT_INTERRUPTED;
    return tracker.allSucceeded ? 0 : 1;
  } catch (err) {
    // The emulator stopped during a step that is not waited through (submitting, the report): one line.
    if (err instanceof CliError || !(await emulatorGone(session, err))) throw err;
    const kept = tracker.jobs.length > 0 ? `its ${unfinished(tracker)} kept` : 'nothing was submitted';
    throw new CliError(stoppedMessage(session.endpoint.url, errorText(err), 'not-waited', kept, tracker.jobs.length > 0 ? followJobs(tracker) : 'start it again (localbatch serve) and run again'), interrupted ? EXIT_INTERRUPTED : 1);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    events?.close();
    await session.close();
  }
}

/** `name` or `name[i]` for a job id of the run (`<id>` or `<id>:<i>`), as the other lines show jobs. */
function displayName(tracker: RunTracker, jobId: string): string {
  const sep = jobId.lastIndexOf(':');
  const own = tracker.jobs.find((j) => j.jobId === jobId);
  if (own) return own.name;
  const parent = sep > 0 ? tracker.jobs.find((j) => j.jobId === jobId.slice(0, sep)) : undefined;
  return parent ? `${parent.name}[${jobId.slice(sep + 1)}]` : jobId;
}

/** ` --state-dir DIR` when `localbatch logs` run from here would not find the run's state by itself. */
function stateDirOption(stateDir: string | undefined): string {
  if (stateDir === undefined || stateDirCandidates(process.cwd()).includes(stateDir)) return '';
  const rel = path.relative(process.cwd(), stateDir) || '.';
  return ` --state-dir ${/\s/.test(rel) ? JSON.stringify(rel) : rel}`;
}

/** Registers the definitions the target uses and returns what to submit, in dependency order, tagged as one run. */
async function prepare(ctx: RunContext): Promise<PlannedJob[]> {
  const file = ctx.target.kind === 'workflow' ? ctx.target.workflow.doc.file : ctx.target.definition.doc.file;
  const source = path.relative(ctx.workspaceRoot, path.resolve(file)).split(path.sep).join('/');
  return tagPlan(await planOf(ctx), { id: newRunId(Date.now()), name: source, source });
}

async function planOf(ctx: RunContext): Promise<PlannedJob[]> {
  const { workspace: ws, target, session } = ctx;
  if (target.kind === 'jobDefinition') {
    const registered = await registerDefinitions(session.batch, { computeEnvironments: [], jobQueues: [], jobDefinitions: [target.definition.value as never] });
    const arn = registered.jobDefinitionArns.get(target.definition.name) ?? target.definition.name;
    const parameters = Object.keys(ctx.parameters).length > 0 ? { parameters: { ...ctx.parameters } } : {};
    return [{ name: target.definition.name, request: { jobName: target.definition.name, jobDefinition: arn, jobQueue: LOCAL_QUEUE_NAME, ...parameters }, dependsOn: [] }];
  }
  const registered = await registerDefinitions(session.batch, referencedDefinitions(ws, target.workflow));
  // The emulator keeps queues and compute environments between runs: say when the files changed them.
  for (const a of registered.actions) if (a.startsWith('updated ')) (ctx.json ? ctx.err : ctx.out).write(`${a[0].toUpperCase()}${a.slice(1)}\n`);
  return planWorkflow(target.workflow.value as unknown as WorkflowFile, {
    defaultQueue: LOCAL_QUEUE_NAME,
    resolveJobDefinition: jobDefinitionResolver(ws, registered.jobDefinitionArns),
    resolveJobQueue: jobQueueResolver(ws),
    parameters: ctx.parameters,
  });
}

/** Whether a workspace queue (by name or ARN) cancels jobs blocked for a reason after a time limit. */
function timeLimitedQueues(ws: Workspace): TimeLimited {
  return (queue, code) => {
    const name = queue?.replace(/^arn:.*:job-queue\//, '');
    const def = name === undefined ? undefined : ws.jobQueues.get(name);
    const actions = (def?.value as { jobStateTimeLimitActions?: Array<{ reason?: string; action?: string; state?: string }> } | undefined)?.jobStateTimeLimitActions ?? [];
    return actions.some((a) => a.reason === code && a.action === 'CANCEL' && a.state === 'RUNNABLE');
  };
}

/**
 * Catches up with the service's view, in case an event was missed: the unfinished jobs' current
 * states, applied to the tracker (or through `apply`, which prints their lines).
 */
async function reconcile(ctx: RunContext, tracker: RunTracker, apply: (d: JobStateChangeDetail, at: number) => unknown = (d, at) => tracker.apply(d, at)): Promise<void> {
  const open = tracker.jobs.filter((j) => j.status !== 'SUCCEEDED' && j.status !== 'FAILED').map((j) => j.jobId);
  for (const d of await describeJobs(ctx.session.batch, open)) if (d.jobId && d.status) apply({ ...d, jobId: d.jobId, status: d.status } as JobStateChangeDetail, Date.now());
}

const unfinishedCount = (tracker: RunTracker): number => tracker.jobs.filter((j) => !isFinalJobStatus(j.status)).length;

/** What to do about kept jobs once the emulator is back. */
function followJobs(tracker: RunTracker): string {
  return `start it again (localbatch serve) and follow ${unfinishedCount(tracker) === 1 ? 'it' : 'them'} with localbatch logs or the editor's Local view`;
}

/** "its 3 unfinished jobs are" / "its 1 unfinished job is". */
function unfinished(tracker: RunTracker): string {
  const left = unfinishedCount(tracker);
  return `${left} unfinished job${left === 1 ? ' is' : 's are'}`;
}

async function terminateAll(ctx: RunContext, tracker: RunTracker, reason: string): Promise<void> {
  for (const j of tracker.jobs) {
    if (isFinalJobStatus(j.status)) continue;
    await ctx.session.batch.send(new TerminateJobCommand({ jobId: j.jobId, reason })).catch(() => undefined);
  }
  const deadline = Date.now() + INTERRUPT_GRACE_MS;
  while (!tracker.done && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    await reconcile(ctx, tracker).catch(() => undefined);
  }
}

/** Every job of the run as DescribeJobs returns it, array children after their parent. */
async function describeAll(ctx: RunContext, tracker: RunTracker): Promise<JobDetail[]> {
  const ids: string[] = [];
  for (const j of tracker.jobs) {
    ids.push(j.jobId);
    for (let i = 0; i < (j.arraySize ?? 0); i++) ids.push(`${j.jobId}:${i}`);
  }
  return describeJobs(ctx.session.batch, ids);
}
