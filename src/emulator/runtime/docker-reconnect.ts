/**
 * After a Docker outage: what became of a container that was running when the engine went away.
 * Once the engine answers again the container is inspected: still running, its output is followed
 * again (the lines already stored are not repeated) and it is waited for again; exited meanwhile,
 * its exit code, OOM flag and remaining output are taken as if seen live; gone, the attempt ends as
 * AWS ends one whose host disappeared.
 */
import type Docker from 'dockerode';
import type { ContainerExit, LogEvent, LogSink } from '../batch/core/ports';
import { hostTerminated } from '../batch/core/snapshot';
import { pumpLogs } from './docker-logs';
import { CALL_TIMEOUT_MS, isUnreachable, withTimeout, type EngineHealth } from './docker-health';

/** One container's output into the LogSink, counted so a re-follow can skip what is stored. */
export class FollowedOutput {
  constructor(
    private readonly target: LogSink,
    readonly logStreamName: string,
    private readonly logGroupName?: string,
    /** Lines already stored for the stream (a re-attached container's output resumes after them). */
    private count = 0,
  ) {}

  /** The sink for the first (attach) stream. */
  sink(): LogSink {
    return { append: (name, events) => this.add(name, events) };
  }

  /** A sink for the whole output again (docker logs), dropping the lines already stored. */
  resumed(): LogSink {
    let skip = this.count;
    return {
      append: (name, events) => {
        const rest = skip >= events.length ? [] : events.slice(skip);
        skip = Math.max(0, skip - events.length);
        if (rest.length > 0) this.add(name, rest);
      },
    };
  }

  private add(name: string, events: readonly LogEvent[]): void {
    this.count += events.length;
    this.target.append(name, events, this.logGroupName);
  }
}

export type Reconnected = { readonly exit: ContainerExit } | { readonly logsDone: Promise<void> };

/** Waits for the engine, then settles what the container did meanwhile (see the file comment). */
export async function reconnect(container: Docker.Container, health: EngineHealth, out: FollowedOutput): Promise<Reconnected> {
  for (;;) {
    await health.whenUp();
    let state: { Running?: boolean; ExitCode?: number; OOMKilled?: boolean };
    let stream: NodeJS.ReadableStream;
    try {
      state = (await withTimeout(container.inspect(), CALL_TIMEOUT_MS, 'inspect')).State;
      stream = (await withTimeout(container.logs({ follow: true, stdout: true, stderr: true }), CALL_TIMEOUT_MS, 'logs')) as unknown as NodeJS.ReadableStream;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return { exit: { oomKilled: false, error: hostTerminated(container.id) } };
      if (isUnreachable(err)) {
        health.markDown();
        continue;
      }
      return { exit: { oomKilled: false, error: err instanceof Error ? err.message : String(err) } };
    }
    const logsDone = pumpLogs(stream, out.resumed(), out.logStreamName);
    if (state.Running) return { logsDone };
    // Exited while the engine was away: its log stream ends after the output it has.
    await logsDone;
    return { exit: { exitCode: state.ExitCode, oomKilled: state.OOMKilled === true } };
  }
}
