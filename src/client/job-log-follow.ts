/**
 * Follows one job's output attempt by attempt, as lines for a terminal: a header per attempt, each
 * log event with its timestamp (events in timestamp order), the attempt's exit code, and at the
 * end the job's final status and reason. Works with any Batch and CloudWatch Logs client.
 */
import { DescribeJobsCommand, type BatchClient, type JobDetail } from '@aws-sdk/client-batch';
import type { CloudWatchLogsClient, OutputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { isFinal } from '../model/runs';
import { followLogStream, logGroupOfJob } from './logs';

export interface LogLineSink {
  /** One line of output (no newline), with its kind for colouring. */
  line(text: string, kind: 'header' | 'event' | 'ok' | 'error'): void;
}

export interface FollowJobOptions {
  readonly batch: BatchClient;
  readonly logs: CloudWatchLogsClient;
  readonly jobId: string;
  readonly sink: LogLineSink;
  readonly signal: AbortSignal;
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<unknown>;
}

interface AttemptStream {
  readonly stream: string;
  readonly startedAt?: number;
}

/** `2026-12-01T11:59:03.123Z  message` */
export function eventLine(e: OutputLogEvent): string {
  const at = e.timestamp !== undefined ? new Date(e.timestamp).toISOString() : '-'.repeat(24);
  return `${at}  ${e.message ?? ''}`;
}

/** Events in timestamp order (stable: same-millisecond events keep the stream's order). */
export function byTimestamp(events: readonly OutputLogEvent[]): OutputLogEvent[] {
  return events.map((e, i) => ({ e, i })).sort((a, b) => (a.e.timestamp ?? 0) - (b.e.timestamp ?? 0) || a.i - b.i).map((x) => x.e);
}

/** The log streams of a job's attempts so far: finished attempts, then the one running now. */
export function attemptStreams(job: JobDetail): AttemptStream[] {
  const out: AttemptStream[] = (job.attempts ?? []).flatMap((a) => (a.container?.logStreamName ? [{ stream: a.container.logStreamName, startedAt: a.startedAt }] : []));
  const current = job.container?.logStreamName;
  if (current && !isFinal(job.status) && !out.some((a) => a.stream === current)) out.push({ stream: current, startedAt: job.startedAt });
  return out;
}

/** The last line: `Job SUCCEEDED (exit code 0)` or `Job FAILED: <reason> (exit code 1)`. */
export function endLine(job: JobDetail): string {
  const exit = job.container?.exitCode ?? job.attempts?.at(-1)?.container?.exitCode;
  const reason = job.statusReason ? `: ${job.statusReason}` : '';
  return `Job ${job.status ?? 'UNKNOWN'}${job.status === 'FAILED' ? reason : ''}${exit !== undefined ? ` (exit code ${exit})` : ''}`;
}

export async function followJobLog(o: FollowJobOptions): Promise<void> {
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const describe = async (): Promise<JobDetail> => {
    const res = await o.batch.send(new DescribeJobsCommand({ jobs: [o.jobId] }), { abortSignal: o.signal });
    const job = res.jobs?.[0];
    if (!job) throw new Error(`job ${o.jobId} is no longer known`);
    return job;
  };
  let shown = 0;
  let job = await describe();
  const total = () => ((job.retryStrategy?.attempts ?? 1) > 1 ? ` of up to ${job.retryStrategy!.attempts}` : '');
  o.sink.line(`${job.jobName ?? o.jobId} (${o.jobId})`, 'header');
  if (attemptStreams(job).length === 0 && !isFinal(job.status)) o.sink.line(`Waiting for the job to start (now ${job.status})…`, 'header');
  while (!o.signal.aborted) {
    const streams = attemptStreams(job);
    if (shown < streams.length) {
      const a = streams[shown];
      const n = shown + 1;
      o.sink.line(`── Attempt ${n}${total()} · started ${a.startedAt ? new Date(a.startedAt).toISOString() : '?'} · log stream ${a.stream} ──`, 'header');
      const finished = async () => {
        job = await describe();
        return isFinal(job.status) || (job.attempts?.length ?? 0) >= n;
      };
      for (;;) {
        try {
          await followLogStream(o.logs, {
            logGroupName: logGroupOfJob(job),
            logStreamName: a.stream,
            signal: o.signal,
            pollMs: o.pollMs,
            sleep: o.sleep,
            onEvents: (events) => {
              for (const e of byTimestamp(events)) for (const l of eventLine(e).split(/\r?\n/)) o.sink.line(l, 'event');
            },
            isFinished: finished,
          });
          break;
        } catch (err) {
          // The stream appears with the container's first output: wait for it while the attempt runs.
          if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
          if (o.signal.aborted || (await finished())) break;
          await sleep(o.pollMs ?? 1000);
        }
      }
      if (o.signal.aborted) return;
      job = await describe();
      const attempt = job.attempts?.[shown];
      if (attempt) {
        const exit = attempt.container?.exitCode;
        const why = attempt.statusReason ?? attempt.container?.reason;
        o.sink.line(`── Attempt ${n} ended${exit !== undefined ? ` with exit code ${exit}` : ''}${why ? `: ${why}` : ''} ──`, exit === 0 ? 'ok' : 'error');
      }
      shown++;
      continue;
    }
    if (isFinal(job.status)) {
      o.sink.line(endLine(job), job.status === 'SUCCEEDED' ? 'ok' : 'error');
      return;
    }
    await sleep(o.pollMs ?? 1000);
    if (o.signal.aborted) return;
    job = await describe();
  }
}
