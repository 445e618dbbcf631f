/**
 * Container output, one file of JSON lines per log stream (= per attempt): streams of the default
 * group `/aws/batch/job` under `<state>/logs/`, those of any other log group (a job definition's
 * `awslogs-group`) under `<state>/logs/groups/<group>/`. It is the LogSink the runtimes write to and
 * the source of `localbatch logs` and the CloudWatch Logs API, whose CreateLogGroup, CreateLogStream
 * and PutLogEvents write here too (synced before they answer).
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
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

  /** The CloudWatch Logs API's writing operations go to this store itself. */
  get write(): this {
    return this;
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

  /**
   * Appends as `append` does, then syncs the stream's file (an acknowledged PutLogEvents is on
   * disk). The stream must exist (CreateLogStream, or a job's output).
   */
  async appendDurably(logStreamName: string, events: readonly LogEvent[], logGroupName = DEFAULT_LOG_GROUP): Promise<void> {
    if (events.length === 0) return;
    const ingestionTime = this.now();
    const stored = events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime }));
    const file = await open(this.fileOf(logStreamName, logGroupName), 'a', 0o600);
    try {
      await file.write(stored.map((e) => JSON.stringify(e)).join('\n') + '\n');
      await file.datasync();
    } finally {
      await file.close();
    }
    const key = keyOf(logGroupName, logStreamName);
    this.cache.get(key)?.push(...stored);
    for (const l of this.listeners.get(key) ?? []) l(stored);
  }

  /** CreateLogGroup: false when it exists already. Durable (its folder synced) once this returns. */
  createGroup(logGroupName: string): boolean {
    if (this.hasGroup(logGroupName)) return false;
    mkdirSync(this.groupDir(logGroupName), { recursive: true, mode: 0o700 });
    syncPath(join(this.dir, 'groups'));
    return true;
  }

  /** CreateLogStream: false when it exists already (the group must exist). Durable once this returns. */
  createStream(logStreamName: string, logGroupName = DEFAULT_LOG_GROUP): boolean {
    if (this.has(logStreamName, logGroupName)) return false;
    const file = this.fileOf(logStreamName, logGroupName);
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, '');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    syncPath(logGroupName === DEFAULT_LOG_GROUP ? this.dir : this.groupDir(logGroupName));
    this.cache.set(keyOf(logGroupName, logStreamName), []);
    return true;
  }

  /** DeleteLogStream: false when there is no such stream. */
  deleteStream(logStreamName: string, logGroupName = DEFAULT_LOG_GROUP): boolean {
    if (!this.has(logStreamName, logGroupName)) return false;
    rmSync(this.fileOf(logStreamName, logGroupName), { force: true });
    syncPath(logGroupName === DEFAULT_LOG_GROUP ? this.dir : this.groupDir(logGroupName));
    this.cache.delete(keyOf(logGroupName, logStreamName));
    return true;
  }

  /** DeleteLogGroup with all its streams (the default group keeps existing, empty). */
  deleteGroup(logGroupName: string): boolean {
    if (!this.hasGroup(logGroupName)) return false;
    if (logGroupName === DEFAULT_LOG_GROUP) {
      for (const f of readdirSync(this.dir)) if (f.endsWith('.jsonl')) unlinkSync(join(this.dir, f));
    } else rmSync(this.groupDir(logGroupName), { recursive: true, force: true });
    syncPath(logGroupName === DEFAULT_LOG_GROUP ? this.dir : join(this.dir, 'groups'));
    for (const key of [...this.cache.keys()]) if (key.startsWith(`${logGroupName}\u0000`)) this.cache.delete(key);
    return true;
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
    // '/' is encoded, so a group is one folder; a name of dots only ('.', '..') would name the
    // folder itself or its parent: its dots are encoded too.
    const encoded = encodeURIComponent(logGroupName);
    return join(this.dir, 'groups', /^\.*$/.test(encoded) ? encoded.replace(/\./g, '%2E') || '%00' : encoded);
  }

  private fileOf(logStreamName: string, logGroupName: string): string {
    const dir = logGroupName === DEFAULT_LOG_GROUP ? this.dir : this.groupDir(logGroupName);
    return join(dir, `${encodeURIComponent(logStreamName)}.jsonl`);
  }
}

function keyOf(logGroupName: string, logStreamName: string): string {
  return `${logGroupName}\u0000${logStreamName}`;
}

/** fsync of a folder, so the entries just made in it survive a power cut. */
function syncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // not every file system syncs folders
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
