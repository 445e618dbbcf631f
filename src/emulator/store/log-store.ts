/**
 * Container output, one file of JSON lines per log stream (= per attempt), under `<state>/logs/`.
 * It is the LogSink the runtimes write to and the source of `localbatch logs` and GetLogEvents.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEvent, LogSink } from '../core/ports';

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

  append(logStreamName: string, events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    const ingestionTime = this.now();
    const stored = events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime }));
    appendFileSync(this.fileOf(logStreamName), stored.map((e) => JSON.stringify(e)).join('\n') + '\n');
    this.cache.get(logStreamName)?.push(...stored);
    for (const l of this.listeners.get(logStreamName) ?? []) l(stored);
  }

  /** All events of a stream, oldest first ([] for an unknown stream). */
  events(logStreamName: string): readonly StoredLogEvent[] {
    const cached = this.cache.get(logStreamName);
    if (cached) return cached;
    const file = this.fileOf(logStreamName);
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
    this.cache.set(logStreamName, events);
    return events;
  }

  count(logStreamName: string): number {
    return this.events(logStreamName).length;
  }

  has(logStreamName: string): boolean {
    return this.cache.has(logStreamName) || existsSync(this.fileOf(logStreamName));
  }

  /** Calls `listener` with each batch appended from now on; returns the unsubscribe function. */
  follow(logStreamName: string, listener: Listener): () => void {
    let set = this.listeners.get(logStreamName);
    if (!set) this.listeners.set(logStreamName, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(logStreamName);
    };
  }

  /** Streams whose name starts with `prefix`, sorted by name. */
  streams(prefix = ''): LogStreamInfo[] {
    const out: LogStreamInfo[] = [];
    for (const file of readdirSync(this.dir)) {
      if (!file.endsWith('.jsonl')) continue;
      const name = decodeURIComponent(file.slice(0, -'.jsonl'.length));
      if (!name.startsWith(prefix)) continue;
      const st = statSync(join(this.dir, file));
      const events = this.events(name);
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

  private fileOf(logStreamName: string): string {
    return join(this.dir, `${encodeURIComponent(logStreamName)}.jsonl`);
  }
}
