/**
 * Container output, one file of JSON lines per log stream (= per attempt): streams of the default
 * group `/aws/batch/job` under `<state>/logs/`, those of any other log group (a job definition's
 * `awslogs-group`) under `<state>/logs/groups/<group>/`. It is the LogSink the runtimes write to and
 * the source of `localbatch logs` and the CloudWatch Logs API.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LOG_GROUP } from '../batch/core/logs';
import type { LogEvent, LogSink } from '../batch/core/ports';

export interface StoredLogEvent extends LogEvent {
  /** When the event was stored (epoch ms). */
  readonly ingestionTime: number;
}

export interface LogStreamInfo {
  readonly logStreamName: string;
  readonly creationTime: number;
  readonly firstEventTimestamp?: number;
  readonly lastEventTimestamp?: number;
  readonly lastIngestionTime?: number;
  readonly storedBytes: number;
}

type Listener = (events: readonly StoredLogEvent[]) => void;

export class FileLogStore implements LogSink {
  private readonly dir: string;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly cache = new Map<string, StoredLogEvent[]>();

  constructor(stateDir: string, private readonly now: () => number = Date.now) {
    this.dir = join(stateDir, 'logs');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  append(logStreamName: string, events: readonly LogEvent[], logGroupName = DEFAULT_LOG_GROUP): void {
    if (events.length === 0) return;
    const ingestionTime = this.now();
    const stored = events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime }));
    const key = keyOf(logGroupName, logStreamName);
    if (logGroupName !== DEFAULT_LOG_GROUP) mkdirSync(this.groupDir(logGroupName), { recursive: true, mode: 0o700 });
    appendFileSync(this.fileOf(logStreamName, logGroupName), stored.map((e) => JSON.stringify(e)).join('\n') + '\n');
    this.cache.get(key)?.push(...stored);
    for (const l of this.listeners.get(key) ?? []) l(stored);
  }

  /** The log groups that exist: the default one, and every group a stream was written to. */
  groups(): string[] {
    const dir = join(this.dir, 'groups');
    const others = existsSync(dir) ? readdirSync(dir).map((d) => decodeURIComponent(d)) : [];
    return [...new Set([DEFAULT_LOG_GROUP, ...others])].sort();
  }

  hasGroup(logGroupName: string): boolean {
    return logGroupName === DEFAULT_LOG_GROUP || existsSync(this.groupDir(logGroupName));
  }

  /** All events of a stream, oldest first ([] for an unknown stream). */
  events(logStreamName: string, logGroupName = DEFAULT_LOG_GROUP): readonly StoredLogEvent[] {
    const key = keyOf(logGroupName, logStreamName);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const file = this.fileOf(logStreamName, logGroupName);
    if (!existsSync(file)) return [];
    const events: StoredLogEvent[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as StoredLogEvent);
      } catch {
        // A torn last line from a crash: skip it rather than lose the whole stream.
      }
    }
    this.cache.set(key, events);
    return events;
  }

  count(logStreamName: string, logGroupName = DEFAULT_LOG_GROUP): number {
    return this.events(logStreamName, logGroupName).length;
  }

  has(logStreamName: string, logGroupName = DEFAULT_LOG_GROUP): boolean {
    return this.cache.has(keyOf(logGroupName, logStreamName)) || existsSync(this.fileOf(logStreamName, logGroupName));
  }

  /** Calls `listener` with each batch appended from now on; returns the unsubscribe function. */
  follow(logStreamName: string, listener: Listener, logGroupName = DEFAULT_LOG_GROUP): () => void {
    const key = keyOf(logGroupName, logStreamName);
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
    };
  }

  /** Streams of a group whose name starts with `prefix`, sorted by name. */
  streams(prefix = '', logGroupName = DEFAULT_LOG_GROUP): LogStreamInfo[] {
    const out: LogStreamInfo[] = [];
    const dir = logGroupName === DEFAULT_LOG_GROUP ? this.dir : this.groupDir(logGroupName);
    if (!existsSync(dir)) return out;
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.jsonl')) continue;
      const name = decodeURIComponent(file.slice(0, -'.jsonl'.length));
      if (!name.startsWith(prefix)) continue;
      const st = statSync(join(dir, file));
      const events = this.events(name, logGroupName);
      out.push({
        logStreamName: name,
        creationTime: Math.floor(st.birthtimeMs || st.ctimeMs),
        firstEventTimestamp: events[0]?.timestamp,
        lastEventTimestamp: events.at(-1)?.timestamp,
        lastIngestionTime: events.at(-1)?.ingestionTime,
        storedBytes: st.size,
      });
    }
    return out.sort((a, b) => (a.logStreamName < b.logStreamName ? -1 : 1));
  }

  private groupDir(logGroupName: string): string {
    return join(this.dir, 'groups', encodeURIComponent(logGroupName));
  }

  private fileOf(logStreamName: string, logGroupName: string): string {
    const dir = logGroupName === DEFAULT_LOG_GROUP ? this.dir : this.groupDir(logGroupName);
    return join(dir, `${encodeURIComponent(logStreamName)}.jsonl`);
  }
}

function keyOf(logGroupName: string, logStreamName: string): string {
  return `${logGroupName}\u0000${logStreamName}`;
}
