/**
 * The Step Functions journal: `<state>/states.jsonl`, one JSON record a line, fsync'd before an API
 * answers (acknowledged means durable). State machines, executions, their ends, and what each task
 * or Wait fixed (a submitted job's id, a Wait deadline) so a restart replays an execution without
 * submitting its jobs twice, each redrive of an execution, and each distributed Map run as it ended. An ended execution's history is one file of its own under
 * `<state>/states-history/`, written (and synced) before its end is journaled, and read back only
 * when it is asked for after a restart. A distributed Map run's children are kept in
 * `<state>/states-maprun/` (child-logs.ts).
 */
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDurable } from '../store/durable-files';
import { fileChildLogs, memoryChildLogs, type ChildLogs } from './child-logs';
import type { HistoryEvent } from './service';

export type StatesRecord =
  | { k: 'sm'; v: Record<string, unknown> }
  | { k: 'sm-del'; arn: string }
  | { k: 'tags'; arn: string; tags: Record<string, string> }
  | { k: 'ex'; v: Record<string, unknown> }
  | { k: 'end'; arn: string; v: Record<string, unknown> }
  | { k: 'redrive'; arn: string; v: { redriveCount: number; redriveDate: number; clientToken?: string } }
  | { k: 'memo'; arn: string; key: string; v: unknown }
  | { k: 'maprun'; v: Record<string, unknown> }
  | { k: 'maprun-update'; arn: string; v: Record<string, number> };

export interface StatesJournal {
  append(record: StatesRecord): void;
  load(): StatesRecord[];
  /** Keeps an ended execution's history; durable once the promise resolves. */
  saveHistory(executionArn: string, events: readonly HistoryEvent[]): Promise<void>;
  /** The history saveHistory kept, or undefined (none was kept, or its file is unreadable). */
  loadHistory(executionArn: string): HistoryEvent[] | undefined;
  /** The distributed Map runs' child executions (child-logs.ts). */
  readonly childLogs: ChildLogs;
}

export function fileJournal(stateDir: string): StatesJournal {
  const file = join(stateDir, 'states.jsonl');
  const histories = join(stateDir, 'states-history');
  // An ARN can be longer than a file name may be and holds ':'; its hash names the file.
  const historyFile = (arn: string) => join(histories, `${createHash('sha256').update(arn).digest('hex').slice(0, 40)}.json`);
  return {
    childLogs: fileChildLogs(stateDir),
    append(record) {
      const fd = openSync(file, 'a', 0o600);
      try {
        appendFileSync(fd, JSON.stringify(record) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    load() {
      if (!existsSync(file)) return [];
      const out: StatesRecord[] = [];
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          out.push(JSON.parse(line) as StatesRecord);
        } catch {
          // a torn last line from a crash mid-write: it was never acknowledged
        }
      }
      return out;
    },
    saveHistory: (executionArn, events) => {
      mkdirSync(histories, { recursive: true, mode: 0o700 });
      return writeDurable(historyFile(executionArn), JSON.stringify({ executionArn, events }));
    },
    loadHistory(executionArn) {
      try {
        const saved = JSON.parse(readFileSync(historyFile(executionArn), 'utf8')) as { executionArn?: string; events?: HistoryEvent[] };
        return saved.executionArn === executionArn && Array.isArray(saved.events) ? saved.events : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

export function memoryJournal(): StatesJournal {
  const records: StatesRecord[] = [];
  const histories = new Map<string, HistoryEvent[]>();
  return {
    childLogs: memoryChildLogs(),
    append: (r) => void records.push(r),
    load: () => records.slice(),
    saveHistory: async (arn, events) => void histories.set(arn, events.slice()),
    loadHistory: (arn) => histories.get(arn)?.slice(),
  };
}
