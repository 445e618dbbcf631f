/** `localbatch logs <job-id>`: prints a job's log (its latest attempt, or --attempt N), optionally following it. */
import { DescribeJobsCommand, type JobDetail } from '@aws-sdk/client-batch';
import path from 'node:path';
import { followLogStream, logGroupOfJob } from '../../client/logs';
import { DEFAULT_STATE_DIR_NAME } from '../../emulator/store/state-dir';
import { FileLogStore } from '../../emulator/store/log-store';
import { savedJobLogs } from '../../emulator/store/job-lookup';
import { loadState } from '../../emulator/store/durable-store';
import { findWorkspaceRoot } from '../../node/load-workspace';
import { HELP_OPTION, parseCommandArgs } from '../args';
import { CliError } from '../errors';
import { attach, clientsFor } from '../run/session';
import type { CliCommand } from './index';
import { parseChildId, parsePositiveInteger } from '../../emulator/batch/core/job-ids';
import { isFinalJobStatus } from '../../model/types';

const HELP = `Usage: localbatch logs <job-id> [--attempt N] [--follow] [--state-dir DIR]

Prints the output of a job run by the local emulator: its latest attempt, or attempt N (from 1).
Array children are addressed as <array-job-id>:<index>.

Options:
  --attempt N       print attempt N instead of the latest
  -f, --follow      keep printing new output until the job finishes (needs a running emulator:
                    \`localbatch serve\`, or a \`localbatch run\` in progress)
  --state-dir DIR   emulator state: default .localbatch in the workspace root
  -h, --help        show this help`;

export const logsCommand: CliCommand = {
  name: 'logs',
  summary: "print a local job's log (latest attempt, or --attempt N), optionally following it",
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(
      { args, allowPositionals: true, options: { attempt: { type: 'string' }, follow: { type: 'boolean', short: 'f' }, 'state-dir': { type: 'string' }, ...HELP_OPTION } },
      HELP,
    );
    if (!parsed) return 0;
    if (parsed.positionals.length !== 1) throw new CliError(`expected one job id\n\n${HELP}`, 2);
    const jobId = parsed.positionals[0];
    const attempt = parsed.values.attempt === undefined ? undefined : parsePositiveInteger(parsed.values.attempt);
    if (parsed.values.attempt !== undefined && attempt === undefined) throw new CliError(`--attempt takes a whole number from 1 (like 2), not '${parsed.values.attempt}'`, 2);
    const bad = badJobId(jobId);
    if (bad) throw new CliError(bad, 2);
    const stateDir = path.resolve(parsed.values['state-dir'] ?? path.join(findWorkspaceRoot(process.cwd()) ?? process.cwd(), DEFAULT_STATE_DIR_NAME));
    const endpoint = await attach(stateDir);
    if (endpoint) return printLive(endpoint, jobId, attempt, parsed.values.follow === true);
    if (parsed.values.follow) console.error('localbatch logs: no emulator is running, so there is nothing to follow; printing the saved log.');
    return printSaved(stateDir, jobId, attempt);
  },
};

/** Why a job id cannot name a job (a malformed `<array-job-id>:<index>`), or undefined. */
function badJobId(jobId: string): string | undefined {
  const id = jobId.replace(/^arn:[^:]*:batch:[^:]*:[^:]*:job\//, '');
  const colon = id.lastIndexOf(':');
  if (colon < 0 || parseChildId(id)) return undefined;
  return `'${jobId}' is not a job id: an array child is <array-job-id>:<index>, the index a whole number from 0 written without sign, spaces or leading zeros (like ${id.slice(0, colon) || 'abc'}:3)`;
}

function pickStream(streams: ReadonlyArray<string | undefined>, attempt: number | undefined, jobId: string): string {
  if (streams.length === 0) throw new CliError(`job ${jobId} has not started an attempt yet, so it has no log`, 1);
  if (attempt !== undefined && attempt > streams.length) throw new CliError(`job ${jobId} has ${streams.length} attempt${streams.length === 1 ? '' : 's'}, not ${attempt}`, 1);
  const stream = streams[(attempt ?? streams.length) - 1];
  if (!stream) throw new CliError(`attempt ${attempt ?? streams.length} of job ${jobId} has no log stream (its container never started)`, 1);
  return stream;
}

function printSaved(stateDir: string, jobId: string, attempt: number | undefined): number {
  const snapshot = loadState(stateDir).loaded.snapshot;
  const job = snapshot && savedJobLogs(snapshot, jobId);
  if (!job) throw new CliError(`no job ${jobId} in ${stateDir}`, 1);
  const stream = pickStream(job.attemptStreams, attempt, jobId);
  for (const e of new FileLogStore(stateDir).events(stream, job.logGroupName)) process.stdout.write(e.message + '\n');
  return 0;
}

async function printLive(endpoint: Parameters<typeof clientsFor>[0], jobId: string, attempt: number | undefined, follow: boolean): Promise<number> {
  const { batch, logs } = clientsFor(endpoint);
  try {
    const describe = async (): Promise<JobDetail | undefined> => (await batch.send(new DescribeJobsCommand({ jobs: [jobId] }))).jobs?.[0];
    const job = await describe();
    if (!job) throw new CliError(`no job ${jobId} on the emulator at ${endpoint.url}`, 1);
    const streams = (job.attempts ?? []).map((a) => a.container?.logStreamName);
    const current = job.container?.logStreamName;
    if (current && !streams.includes(current) && (job.status === 'RUNNING' || job.status === 'STARTING')) streams.push(current);
    const stream = pickStream(streams, attempt, jobId);
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    await followLogStream(logs, {
      logGroupName: logGroupOfJob(job),
      logStreamName: stream,
      signal: abort.signal,
      onEvents: (events) => process.stdout.write(events.map((e) => (e.message ?? '') + '\n').join('')),
      isFinished: async () => !follow || isFinalJobStatus((await describe())?.status ?? 'FAILED'),
      pollMs: 500,
    });
    return 0;
  } finally {
    batch.destroy();
    logs.destroy();
  }
}
