/** `localbatch logs <job-id>`: prints a job's log (its latest attempt, or --attempt N), optionally following it. */
import { DescribeJobsCommand, type JobDetail } from '@aws-sdk/client-batch';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { followLogStream, logGroupOfJob } from '../../client/logs';
import { FileLogStore } from '../../emulator/store/log-store';
import { savedArraySize, savedJobLogs } from '../../emulator/store/job-lookup';
import { loadState } from '../../emulator/store/durable-store';
import { stateDirCandidates } from '../../node/state-dirs';
import { HELP_OPTION, parseCommandArgs } from '../args';
import { CliError } from '../errors';
import { attach, clientsFor } from '../run/session';
import type { CliCommand } from './index';
import { parseChildId, parsePositiveInteger } from '../../emulator/batch/core/job-ids';
import { isFinalJobStatus } from '../../model/types';

const HELP = `Usage: localbatch logs <job-id> [--attempt N] [--container NAME] [--follow] [--state-dir DIR]

Prints the output of a job run by the local emulator: its latest attempt, or attempt N (from 1).
Array children are addressed as <array-job-id>:<index>.

Options:
  --attempt N       print attempt N instead of the latest
  --container NAME  a multi-container job's container (default: its main one; the others are named)
  -f, --follow      keep printing new output until the job finishes (needs a running emulator:
                    \`localbatch serve\`, or a \`localbatch run\` in progress); a job that has
                    not started yet is waited for; ends quietly when the emulator stops
  --state-dir DIR   emulator state: default .localbatch in the workspace root, else one of the
                    folders below holding localbatch.yaml (where \`run <file>\` keeps it)
  -h, --help        show this help`;

export const logsCommand: CliCommand = {
  name: 'logs',
  summary: "print a local job's log (latest attempt, or --attempt N), optionally following it",
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(
      { args, allowPositionals: true, options: { attempt: { type: 'string' }, container: { type: 'string' }, follow: { type: 'boolean', short: 'f' }, 'state-dir': { type: 'string' }, ...HELP_OPTION } },
      HELP,
    );
    if (!parsed) return 0;
    if (parsed.positionals.length !== 1) throw new CliError(`expected one job id\n\n${HELP}`, 2);
    const jobId = parsed.positionals[0];
    const attempt = parsed.values.attempt === undefined ? undefined : parsePositiveInteger(parsed.values.attempt);
    if (parsed.values.attempt !== undefined && attempt === undefined) throw new CliError(`--attempt takes a whole number from 1 (like 2), not '${parsed.values.attempt}'`, 2);
    const bad = badJobId(jobId);
    if (bad) throw new CliError(bad, 2);
    const follow = parsed.values.follow === true;
    const container = parsed.values.container;
    // Without --state-dir, look where `run` keeps state: see stateDirCandidates.
    const given = parsed.values['state-dir'];
    const candidates = given !== undefined ? [path.resolve(given)] : stateDirCandidates(process.cwd());
    for (const stateDir of candidates) {
      const endpoint = await attach(stateDir);
      if (endpoint) {
        const found = await printLive(endpoint, stateDir, jobId, attempt, follow, container);
        if (found !== undefined) return found;
      }
      const saved = savedInfoIn(stateDir, jobId);
      if (!saved) continue;
      if (follow && !isFinalJobStatus(saved.status)) console.error('localbatch logs: no emulator is running, so there is nothing to follow; printing the saved log.');
      const stream = pickStream(ofContainer(saved, container, jobId), attempt, jobId, false);
      for (const e of new FileLogStore(stateDir).events(stream, saved.logGroupName)) process.stdout.write(e.message + '\n');
      return 0;
    }
    const where = candidates.map((c) => path.relative(process.cwd(), c) || '.').join(' or ');
    throw new CliError(`no job ${jobId} in ${where}: give the state directory of the run that ran it with --state-dir`, 1);
  },
};

/** Why a job id cannot name a job (a malformed `<array-job-id>:<index>`), or undefined. */
function badJobId(jobId: string): string | undefined {
  const id = jobId.replace(/^arn:[^:]*:batch:[^:]*:[^:]*:job\//, '');
  const colon = id.lastIndexOf(':');
  if (colon < 0 || parseChildId(id)) return undefined;
  return `'${jobId}' is not a job id: an array child is <array-job-id>:<index>, the index a whole number from 0 written without sign, spaces or leading zeros (like ${id.slice(0, colon) || 'abc'}:3)`;
}

/** What logs needs to know about a job, from the emulator or from saved state. */
interface JobLogInfo {
  readonly status: string;
  readonly statusReason?: string;
  /** An array parent: the number of its children. */
  readonly arraySize?: number;
  /** Set when the id names a child the array job does not have: the array's size. */
  readonly noSuchChildOf?: number;
  readonly logGroupName: string;
  readonly streams: ReadonlyArray<string | undefined>;
  /** A multi-container job's containers per attempt, with their streams. */
  readonly containers?: ReadonlyArray<ReadonlyArray<{ readonly name: string; readonly stream?: string }>>;
}

/**
 * The streams of one container of a multi-container job (`--container`), or the job's own (its
 * first essential container's) with a note naming the others.
 */
function ofContainer(info: JobLogInfo, container: string | undefined, jobId: string, note = true): JobLogInfo {
  const names = [...new Set((info.containers ?? []).flat().map((c) => c.name).filter(Boolean))];
  if (container === undefined) {
    if (note && names.length > 1) console.error(`localbatch logs: job ${jobId} has the containers ${names.join(', ')}; this is its main one's log (another: --container NAME)`);
    return info;
  }
  // (not started yet: --follow waits for the attempt that has it)
  if (names.length === 0 && info.streams.length === 0) return info;
  if (!names.includes(container)) throw new CliError(names.length > 0 ? `job ${jobId} has no container '${container}' (it has ${names.join(', ')})` : `job ${jobId} runs one container: leave --container out`, 1);
  return { ...info, streams: (info.containers ?? []).map((list) => list.find((c) => c.name === container)?.stream) };
}

function savedInfo(snapshot: NonNullable<ReturnType<typeof loadState>['loaded']['snapshot']>, jobId: string): JobLogInfo | undefined {
  const job = savedJobLogs(snapshot, jobId);
  if (job) return { status: job.status, statusReason: job.statusReason, arraySize: job.arraySize, logGroupName: job.logGroupName, streams: job.attemptStreams, containers: job.attemptContainers };
  const child = parseChildId(jobId);
  const size = child && savedArraySize(snapshot, child.parentId);
  return size !== undefined ? { status: 'UNKNOWN', noSuchChildOf: size, logGroupName: '', streams: [] } : undefined;
}

function savedInfoIn(stateDir: string, jobId: string): JobLogInfo | undefined {
  if (!existsSync(stateDir)) return undefined;
  const snapshot = loadState(stateDir).loaded.snapshot;
  return snapshot && savedInfo(snapshot, jobId);
}

function liveInfo(job: JobDetail): JobLogInfo {
  const streams = (job.attempts ?? []).map((a) => a.container?.logStreamName);
  const current = job.container?.logStreamName;
  if (current && !streams.includes(current) && (job.status === 'RUNNING' || job.status === 'STARTING')) streams.push(current);
  const parent = job.arrayProperties?.size !== undefined && job.arrayProperties.index === undefined;
  const containers = (job.attempts ?? []).map((a) => (a.taskProperties?.[0]?.containers ?? []).map((c) => ({ name: c.name ?? '', stream: c.logStreamName })));
  return { status: job.status ?? 'UNKNOWN', statusReason: job.statusReason, arraySize: parent ? job.arrayProperties!.size : undefined, logGroupName: logGroupOfJob(job), streams, containers };
}

/** Why a job that has no log stream yet never will (it ended, or waits on a MISCONFIGURATION). */
function neverStarts(info: JobLogInfo): boolean {
  return isFinalJobStatus(info.status) || (info.statusReason ?? '').startsWith('MISCONFIGURATION:');
}

/** The stream to print, or an error saying why there is none; `wait`: a job not started yet is fine (undefined). */
function pickStream(info: JobLogInfo, attempt: number | undefined, jobId: string, wait: true): string | undefined;
function pickStream(info: JobLogInfo, attempt: number | undefined, jobId: string, wait: false): string;
function pickStream(info: JobLogInfo, attempt: number | undefined, jobId: string, wait: boolean): string | undefined;
function pickStream(info: JobLogInfo, attempt: number | undefined, jobId: string, wait: boolean): string | undefined {
  const parent = jobId.replace(/:[0-9]+$/, '');
  if (info.noSuchChildOf !== undefined) {
    throw new CliError(`${jobId} is not a child of the array job ${parent}: it has ${info.noSuchChildOf} children, ${parent}:0 to ${parent}:${info.noSuchChildOf - 1}`, 1);
  }
  if (info.arraySize !== undefined) {
    throw new CliError(`${jobId} is an array job: its ${info.arraySize} children ran the work and hold the logs; see one with \`localbatch logs ${jobId}:0\` (children ${jobId}:0 to ${jobId}:${info.arraySize - 1})`, 1);
  }
  const streams = info.streams;
  if (streams.length === 0) {
    const reason = info.statusReason ? ` (${info.statusReason})` : '';
    if (isFinalJobStatus(info.status)) throw new CliError(`job ${jobId} ${info.status} without starting a container${reason}, so it has no log`, 1);
    if (neverStarts(info)) throw new CliError(`job ${jobId} cannot start${reason}, so it has no log`, 1);
    if (wait) return undefined;
    throw new CliError(`job ${jobId} is ${info.status} and has not started an attempt yet, so it has no log yet; add --follow to wait for its first attempt`, 1);
  }
  if (attempt !== undefined && attempt > streams.length) throw new CliError(`job ${jobId} has ${streams.length} attempt${streams.length === 1 ? '' : 's'}, not ${attempt}`, 1);
  const stream = streams[(attempt ?? streams.length) - 1];
  if (!stream) throw new CliError(`attempt ${attempt ?? streams.length} of job ${jobId} has no log stream (its container never started)`, 1);
  return stream;
}

/** The emulator went away (a `run` that ended, a `serve` stopped): not an error for a reader of logs. */
function isConnectionLost(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown } } | undefined;
  const codes = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'ETIMEDOUT'];
  return codes.includes(String(e?.code)) || codes.includes(String(e?.cause?.code)) || e?.name === 'TimeoutError' || /socket hang up|ECONNREFUSED|ECONNRESET/.test(String(e?.message));
}

/** Prints (and follows) a job's log from a running emulator; undefined when it does not know the job. */
async function printLive(endpoint: Parameters<typeof clientsFor>[0], stateDir: string, jobId: string, attempt: number | undefined, follow: boolean, container?: string): Promise<number | undefined> {
  const { batch, logs } = clientsFor(endpoint);
  let stream: string | undefined;
  let logGroupName = '';
  let printed = 0;
  try {
    const describe = async (id = jobId): Promise<JobDetail | undefined> => (await batch.send(new DescribeJobsCommand({ jobs: [id] }))).jobs?.[0];
    let job = await describe();
    if (!job) {
      const child = parseChildId(jobId);
      const parent = child && (await describe(child.parentId));
      const size = parent?.arrayProperties?.size;
      if (size === undefined) return undefined;
      pickStream({ status: 'UNKNOWN', noSuchChildOf: size, logGroupName: '', streams: [] }, attempt, jobId, true);
    }
    let info = ofContainer(liveInfo(job!), container, jobId);
    stream = pickStream(info, attempt, jobId, follow);
    if (stream === undefined) console.error(`localbatch logs: job ${jobId} is ${info.status}; waiting for its first attempt (Ctrl-C to stop)…`);
    while (stream === undefined) {
      await new Promise((r) => setTimeout(r, 500));
      job = await describe();
      if (!job) return 0;
      info = ofContainer(liveInfo(job), container, jobId, false);
      stream = pickStream(info, attempt, jobId, true);
    }
    logGroupName = info.logGroupName;
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    await followLogStream(logs, {
      logGroupName,
      logStreamName: stream,
      signal: abort.signal,
      onEvents: (events) => {
        printed += events.length;
        process.stdout.write(events.map((e) => (e.message ?? '') + '\n').join(''));
      },
      isFinished: async () => !follow || isFinalJobStatus((await describe())?.status ?? 'FAILED'),
      pollMs: 500,
    });
    return 0;
  } catch (err) {
    if (!isConnectionLost(err)) throw err;
    // The emulator stopped (the run that hosted it ended): print what it saved after what was shown.
    const found = savedInfoIn(stateDir, jobId);
    const saved = found && ofContainer(found, container, jobId, false);
    if (stream === undefined && saved && saved.streams.length > 0 && saved.arraySize === undefined) {
      stream = saved.streams[(attempt ?? saved.streams.length) - 1];
      logGroupName = saved.logGroupName;
    }
    if (stream !== undefined) for (const e of new FileLogStore(stateDir).events(stream, logGroupName || undefined).slice(printed)) process.stdout.write(e.message + '\n');
    return 0;
  } finally {
    batch.destroy();
    logs.destroy();
  }
}
