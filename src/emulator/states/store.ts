/**
 * The Step Functions journal: `<state>/states.jsonl`, one JSON record a line, fsync'd before an API
 * answers (acknowledged means durable). State machines, executions, their ends, and what each task
 * or Wait fixed (a submitted job's id, a Wait deadline) so a restart replays an execution without
 * submitting its jobs twice.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type StatesRecord =
  | { k: 'sm'; v: Record<string, unknown> }
  | { k: 'sm-del'; arn: string }
  | { k: 'tags'; arn: string; tags: Record<string, string> }
  | { k: 'ex'; v: Record<string, unknown> }
  | { k: 'end'; arn: string; v: Record<string, unknown> }
  | { k: 'memo'; arn: string; key: string; v: unknown };

export interface StatesJournal {
  append(record: StatesRecord): void;
  load(): StatesRecord[];
}

export function fileJournal(stateDir: string): StatesJournal {
  const file = join(stateDir, 'states.jsonl');
  return {
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
  };
}

export function memoryJournal(): StatesJournal {
  const records: StatesRecord[] = [];
  return { append: (r) => void records.push(r), load: () => records.slice() };
}
