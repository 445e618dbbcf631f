/**
 * `localbatch run` of a state machine (an ASL file, or one of a template's): registers the Batch
 * definitions its Tasks name, creates (or updates) the state machine on the emulator with those
 * references mapped to what was registered, starts an execution and follows its history, printing
 * each state entered / exited and the Batch jobs each Task started (with their status changes, from
 * the emulator's job events), until the execution ends. Talks to the emulator only through the
 * Step Functions and Batch APIs and the event stream, as any client.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
  type DescribeExecutionOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { lastEventId, readHistoryAfter } from '../../client/sfn-history';
import { MapRunWatch, mapRunStateName } from '../../client/map-run-watch';
import { mapRunFailureLines } from './map-run-failures';
import { redriveNewest } from './redrive';
import { credentialsPath } from '../../emulator/edge';
import { describeJobs } from '../../client/jobs';
import { CliError } from '../errors';
import { backLine, emulatorGone, errorText, isUnreachable, stoppedMessage, waitForEmulator } from './reconnect';
import { mapRunProgressText } from '../../model/map-run-text';
import { subscribeEvents, type EventSubscription, type JobStateChangeEvent } from '../../client/events';
import { registerDefinitions } from '../../client/register';
import { localDefinition, taskDefinitions } from '../../client/state-machine-definitions';
import { causeLine, jobCauseLine } from './execution-cause';
import type { StateMachineEntry } from '../../model/asl/types';
import type { Workspace } from '../../model/workspace';
import type { Session } from './session';

export interface StateMachineRun {
  readonly session: Session;
  readonly workspace: Workspace;
  readonly machine: StateMachineEntry;
  /** The execution input (JSON text). */
  readonly input: string;
  readonly json: boolean;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  /** The emulator's state directory (for what the run says when its emulator stops). */
  readonly stateDir?: string;
  /** Redrive the state machine's newest execution (failed, timed out or stopped) instead of starting one. */
  readonly redrive?: boolean;
  /** The command that redrives it (said when the execution ends unsuccessfully). */
  readonly redriveCommand?: string;
}

const POLL_MS = 250;
const FOLLOW_EXECUTION = "start it again (localbatch serve) and follow it in the editor's Local view or with aws stepfunctions describe-execution";
const EXIT_INTERRUPTED = 130;

export async function runStateMachine(run: StateMachineRun): Promise<number> {
  const { session, workspace: ws, machine } = run;
  const progress = run.json ? run.err : run.out;
  /** A progress line, stamped with when it happened (`at`, ms) or else now. */
  const say = (line: string, at = Date.now()) => progress.write(`${new Date(at).toISOString().slice(11, 19)} ${line}\n`);
  const sfnClient = () => new SFNClient({ endpoint: session.endpoint.url, region: session.endpoint.region, credentials: session.endpoint.credentials, maxAttempts: 2 });
  // (made again when the run follows its emulator to a restart)
  let sfn = sfnClient();
  let events: EventSubscription | undefined;
  let interrupted = false;
  let executionArn: string | undefined;
  // Waiting for a stopped shared emulator to come back: Ctrl-C ends the waiting (the execution is kept).
  let waiting = false;
  const onSigint = () => {
    if (waiting) {
      if (!interrupted) progress.write('\nInterrupted: no longer waiting for the emulator (the execution is kept)…\n');
      interrupted = true;
      return;
    }
    interrupted = true;
    progress.write('\nInterrupted: stopping the execution (its running jobs are terminated)…\n');
    if (executionArn) void sfn.send(new StopExecutionCommand({ executionArn, error: 'localbatch.Interrupted', cause: 'Run interrupted by the user' })).catch(() => undefined);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const registered = await registerDefinitions(session.batch, taskDefinitions(ws, machine.definition));
    for (const a of registered.actions) if (a.startsWith('updated ')) progress.write(`${a[0].toUpperCase()}${a.slice(1)}\n`);
    const definition = localDefinition(ws, machine.definition!, registered);
    const stateMachineArn = await upsert(sfn, machine, JSON.stringify(definition), session.endpoint.region);
    say(`State machine ${machine.name}: ${stateMachineArn}`);

    // Job status lines: subscribe before starting, so no change is missed. They wait for the history
    // read after them, and the two are printed in the order things happened (see inTimeOrder).
    const jobs = new Map<string, { name: string; status?: string }>();
    const pending = new Map<string, string>();
    const arrived: TimedJobEvent[] = [];
    const subscribe = () => new Promise<void>((resolve) => {
      events?.close();
      events = subscribeEvents(session.endpoint, {
        onOpen: resolve,
        // (stamped by the emulator when the job changed, on the clock its history uses)
        onEvent: (e) => void arrived.push({ at: (e.time && Date.parse(e.time)) || Date.now(), event: e }),
        onClose: () => resolve(),
      });
    });
    await subscribe();
    const jobStatus = (jobId: string, status: string, reason: string | undefined, at: number) => {
      const job = jobs.get(jobId);
      if (!job) return void pending.set(jobId, status);
      if (job.status === status) return;
      job.status = status;
      say(`  job ${job.name} (${jobId}) ${status}${reason && status === 'FAILED' ? `: ${reason}` : ''}`, at);
    };
    const showJobEvent = ({ at, event: e }: TimedJobEvent) => jobStatus(e.detail.jobId, e.detail.status, e.detail.statusReason, at);

    // (a redrive's history is shown from the events it adds)
    const redriven = run.redrive ? await redriveNewest(sfn, stateMachineArn, machine.name, JSON.stringify(definition)) : undefined;
    const arn = redriven?.executionArn ?? (await sfn.send(new StartExecutionCommand({ stateMachineArn, input: run.input }))).executionArn!;
    executionArn = arn;
    say(redriven ? `Execution ${arn.split(':').pop()} redriven (redrive ${redriven.redriveCount}): it goes on from where it stopped` : `Execution ${arn.split(':').pop()} started`);
    if (redriven?.olderDefinition) say(`  (${machine.name} changed since this execution started: a redrive runs the definition it started with, as on AWS; its Tasks' job definitions are the ones just registered. Run without --redrive to run the new one.)`);
    // (how many children of each map run failed: named at the end)
    const failedChildren = new Map<string, number>();
    const mapRuns = new MapRunWatch(sfn, (arn, d) => {
      failedChildren.set(arn, (d.executionCounts?.failed ?? 0) + (d.executionCounts?.timedOut ?? 0));
      say(`  map run ${mapRunStateName(arn)}: ${mapRunProgressText(d.itemCounts)}${d.status && d.status !== 'RUNNING' ? `: ${d.status}` : ''}`);
    });
    // The lines shown, counted by their text: after a restart the emulator replays a running
    // execution and writes its history again (ids and times anew, branches perhaps in another
    // order), so it is read again from the start and each line shown as often as it was before is skipped.
    const shownLines = new Map<string, number>();
    let replayed: Map<string, number> | undefined;
    const show = (e: HistoryEvent) => {
      mapRuns.seen(e.mapRunStartedEventDetails?.mapRunArn ?? e.mapRunRedrivenEventDetails?.mapRunArn);
      const at = e.timestamp?.getTime();
      const line = historyLine(e);
      const again = line !== undefined && replayed !== undefined && (replayed.set(line, (replayed.get(line) ?? 0) + 1).get(line) ?? 0) <= (shownLines.get(line) ?? 0);
      if (line && !again) {
        say(line, at);
        shownLines.set(line, (shownLines.get(line) ?? 0) + 1);
      }
      const jobId = startedJob(e);
      if (!jobId || jobs.has(jobId)) return;
      const job = { name: jobNameOf(e) ?? jobId.slice(0, 8), status: pending.get(jobId) };
      jobs.set(jobId, job);
      // (a .sync Task's TaskSubmitted line names it; a request-response submitJob's is said here)
      if (e.type === 'TaskSucceeded') say(`  submitted job ${job.name} (${jobId})`, at);
      if (job.status) say(`  job ${job.name} (${jobId}) ${job.status}`, at);
    };
    // Each round reads the events since the last one shown (sfn-history.ts). The job events that
    // arrived before the read, or during it from before its last event, are shown with it, in time
    // order; later ones wait for the next read.
    let lastShown = redriven?.lastEventId ?? 0;
    const readHistory = async () => {
      const before = arrived.length;
      const fresh = await readHistoryAfter(sfn, arn, lastShown);
      lastShown = lastEventId(fresh, lastShown);
      let latest = -Infinity;
      for (const e of fresh) latest = Math.max(latest, e.timestamp?.getTime() ?? -Infinity);
      const now: TimedJobEvent[] = [];
      const later: TimedJobEvent[] = [];
      arrived.forEach((j, i) => (i < before || j.at <= latest ? now : later).push(j));
      arrived.splice(0, arrived.length, ...later);
      for (const item of inTimeOrder(fresh, now)) {
        if ('event' in item) showJobEvent(item);
        else show(item);
      }
    };
    /** The unfinished jobs' states, as lines (what they did while the emulator was away). */
    const catchUpJobs = async () => {
      const open = [...jobs].filter(([, j]) => j.status !== 'SUCCEEDED' && j.status !== 'FAILED').map(([id]) => id);
      for (const d of await describeJobs(session.batch, open)) if (d.jobId && d.status) jobStatus(d.jobId, d.status, d.statusReason, Date.now());
    };
    let catchUp = false;
    let described: DescribeExecutionOutput | undefined;
    while (described?.status === undefined || described.status === 'RUNNING') {
      if (described) await new Promise((r) => setTimeout(r, POLL_MS));
      try {
        await readHistory();
        // (after the replayed history's first read: its jobs are known then)
        if (catchUp) {
          await catchUpJobs().catch(() => undefined);
          catchUp = false;
        }
        await mapRuns.look();
        described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      } catch (err) {
        // A shared emulator that stopped: wait for one to serve again, then read on there (the
        // execution is in its journal; a restart replays a running one).
        if (!isUnreachable(err)) throw err;
        const url = session.endpoint.url;
        waiting = true;
        const outcome = await waitForEmulator(session, errorText(err), 'the execution is kept', (t) => progress.write(t), () => interrupted, run.stateDir).finally(() => (waiting = false));
        if (outcome !== 'back') throw new CliError(stoppedMessage(url, errorText(err), outcome, 'the execution is kept', FOLLOW_EXECUTION), interrupted ? EXIT_INTERRUPTED : 1);
        sfn.destroy();
        sfn = sfnClient();
        mapRuns.sfn = sfn;
        await subscribe();
        progress.write(backLine(session));
        // Its history from the start (lines shown already are skipped), then its jobs' states now
        // (a redrive's from where it began: what came before is kept as it was).
        lastShown = redriven?.lastEventId ?? 0;
        replayed = new Map();
        catchUp = true;
      }
    }
    // (the last events may land between the two calls; the emulator may have stopped since)
    await readHistory().catch(async (err: unknown) => {
      if (!(await emulatorGone(session, err))) throw err;
    });
    await mapRuns.look(Date.now(), true);
    arrived.splice(0).forEach(showJobEvent);
    // (this run's own emulator ends with it: a serve on the state directory answers for the run after)
    const own = session.host !== undefined;
    const listFailed = (mapRunArn: string) =>
      `${own ? `once localbatch serve runs on ${run.stateDir ?? 'this state directory'}, ` : ''}${run.stateDir ? `AWS_SHARED_CREDENTIALS_FILE=${credentialsPath(run.stateDir)} aws --profile localbatch` : 'aws'} --endpoint-url ${own ? '<its URL>' : session.endpoint.url} stepfunctions list-executions --map-run-arn ${mapRunArn} --status-filter FAILED`;
    for (const line of await mapRunFailureLines(sfn, failedChildren, listFailed)) say(line);
    const { $metadata: _m, ...shape } = described as DescribeExecutionOutput & { $metadata?: unknown };
    if (run.json) run.out.write(JSON.stringify(shape, null, 2) + '\n');
    progress.write(`\nExecution ${described.status}${described.error ? `: ${described.error}${described.cause ? ` (${causeLine(described.cause)})` : ''}` : ''}\n`);
    if (described.status !== 'SUCCEEDED' && run.redriveCommand && !arn.includes(':express:')) progress.write(`Once it is fixed, go on from where it stopped (the states that ended are not run again): ${run.redriveCommand}\n`);
    if (interrupted) return EXIT_INTERRUPTED;
    return described.status === 'SUCCEEDED' ? 0 : 1;
  } catch (err) {
    // The emulator stopped during a step that is not waited through (creating, starting): one line.
    if (err instanceof CliError || !(await emulatorGone(session, err))) throw err;
    throw new CliError(stoppedMessage(session.endpoint.url, errorText(err), 'not-waited', executionArn ? 'the execution is kept' : 'no execution was started', executionArn ? FOLLOW_EXECUTION : 'start it again (localbatch serve) and run again'), interrupted ? EXIT_INTERRUPTED : 1);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    events?.close();
    sfn.destroy();
    await session.close();
  }
}

/** Creates the state machine on the emulator, or updates the one of the same name. */
async function upsert(sfn: SFNClient, machine: StateMachineEntry, definition: string, region: string): Promise<string> {
  const name = machine.name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
  const roleArn = machine.roleArn && machine.roleArn.startsWith('arn:') ? machine.roleArn : `arn:aws:iam::000000000000:role/localbatch-states-${region}`;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    const found = page.stateMachines?.find((m) => m.name === name);
    if (found) {
      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: found.stateMachineArn, definition, roleArn }));
      return found.stateMachineArn!;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  const type = machine.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
  const created = await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn, type }));
  return created.stateMachineArn!;
}

/** A job state change from the event stream, with when it happened (ms). */
export interface TimedJobEvent {
  readonly at: number;
  readonly event: JobStateChangeEvent;
}

/**
 * History events and job events merged in the order they happened, by their timestamps (the
 * emulator's, one clock for both). Stable: on a tie the job event comes first (a job's end makes its
 * Task succeed or fail within the same millisecond; a job event before its Task's submission waits
 * until the submission names its job, then shows); an event with no timestamp keeps its place after
 * the one before it.
 */
export function inTimeOrder(history: readonly HistoryEvent[], jobEvents: readonly TimedJobEvent[]): Array<HistoryEvent | TimedJobEvent> {
  let last = -Infinity;
  const timed = history.map((e) => {
    last = Math.max(last, e.timestamp?.getTime() ?? last);
    return { at: last, item: e as HistoryEvent | TimedJobEvent, rank: 1 };
  });
  const all = [...timed, ...jobEvents.map((j) => ({ at: j.at, item: j as HistoryEvent | TimedJobEvent, rank: 0 }))];
  return all.map((x, i) => ({ ...x, i })).sort((a, b) => a.at - b.at || a.rank - b.rank || a.i - b.i).map((x) => x.item);
}

/** One line per history event worth showing (states entered / exited, task and execution outcomes). */
export function historyLine(e: HistoryEvent): string | undefined {
  const type = e.type ?? '';
  if (type.endsWith('StateEntered')) return `${e.stateEnteredEventDetails?.name} entered (${type.replace('StateEntered', '')})`;
  if (type.endsWith('StateExited')) return `${e.stateExitedEventDetails?.name} exited`;
  if (type === 'TaskSubmitted') {
    const job = jobFields(e.taskSubmittedEventDetails?.output);
    return job ? `  submitted job ${job.JobName ?? ''} (${job.JobId})` : undefined;
  }
  if (type === 'TaskFailed' || type === 'TaskTimedOut') {
    const failed = e.taskFailedEventDetails ?? e.taskTimedOutEventDetails;
    // (a Batch Task's cause is its job: which one, when several run at once, and why)
    const job = failed?.cause ? jobCauseLine(failed.cause) : undefined;
    return `  task failed: ${failed?.error ?? ''}${job ? ` (${job})` : ''}`;
  }
  if (type === 'ExecutionFailed') return `Execution failed: ${e.executionFailedEventDetails?.error ?? ''}`;
  if (type === 'ExecutionTimedOut') return 'Execution timed out';
  if (type === 'ExecutionAborted') return 'Execution stopped';
  if (type === 'ExecutionRedriven') return `Execution redriven (${e.executionRedrivenEventDetails?.redriveCount ?? ''})`;
  if (type === 'MapIterationStarted') return `  map iteration ${e.mapIterationStartedEventDetails?.index} started`;
  return undefined;
}

function jobFields(output: string | undefined): { JobId?: string; JobName?: string } | undefined {
  if (!output) return undefined;
  try {
    const v = JSON.parse(output) as { JobId?: string; JobName?: string };
    return typeof v.JobId === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The Batch job a Task started (SubmitJob's JobId in TaskSubmitted, or a request-response task's output). */
function startedJob(e: HistoryEvent): string | undefined {
  if (e.type === 'TaskSubmitted') return jobFields(e.taskSubmittedEventDetails?.output)?.JobId;
  if (e.type === 'TaskSucceeded' && e.taskSucceededEventDetails?.resource?.startsWith('submitJob')) return jobFields(e.taskSucceededEventDetails.output)?.JobId;
  return undefined;
}

function jobNameOf(e: HistoryEvent): string | undefined {
  return jobFields(e.taskSubmittedEventDetails?.output ?? e.taskSucceededEventDetails?.output)?.JobName;
}
