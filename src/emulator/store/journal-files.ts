/**
 * The files of the durable state in `<state>/`: `state.json` (a snapshot, naming the first journal
 * file that follows it) and `journal.<n>.jsonl` (one JSON entry per line, appended and fsync'd).
 * Reading is forgiving: a torn last line (a write cut short by a crash) is ignored; a file that is
 * damaged elsewhere is reported and renamed aside (`<name>.damaged-<time>`) so the server still starts.
 */
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEntry } from '../batch/core/journal';
import type { EngineSnapshot } from '../batch/core/snapshot';

export const STATE_FILE_NAME = 'state.json';
export const SNAPSHOT_FORMAT = 2;
const JOURNAL = /^journal\.(\d+)\.jsonl$/;

export interface SnapshotFile {
  readonly version: number;
  readonly savedAt: number;
  /** The first journal file whose entries are not in this snapshot. */
  readonly journal: number;
  readonly engine: EngineSnapshot;
}

export function journalFileName(seq: number): string {
  return `journal.${seq}.jsonl`;
}

/** Journal sequence numbers present in `dir`, ascending. */
export function journalSeqs(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => JOURNAL.exec(f))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Renames a damaged file aside; returns the new name. */
export function setAside(file: string, now = Date.now()): string {
  const aside = `${file}.damaged-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, aside);
  return aside;
}

export interface ReadSnapshot {
  readonly snapshot?: SnapshotFile;
  readonly problem?: string;
}

/** The snapshot, if any. Format 1 (the debounced state.json of earlier versions) reads as journal 0. */
export function readSnapshot(dir: string, aside = true): ReadSnapshot {
  const file = join(dir, STATE_FILE_NAME);
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SnapshotFile>;
    const engine = parsed.engine;
    if ((parsed.version !== 1 && parsed.version !== SNAPSHOT_FORMAT) || !engine || !Array.isArray(engine.jobs) || !Array.isArray(engine.jobDefinitions)) {
      throw new Error(`unknown format ${String(parsed.version)}`);
    }
    return { snapshot: { version: parsed.version, savedAt: parsed.savedAt ?? 0, journal: parsed.version === 1 ? 0 : Number(parsed.journal ?? 0), engine } };
  } catch (err) {
    const why = `${file} could not be read (${err instanceof Error ? err.message : String(err)})`;
    return { problem: aside ? `${why}; moved aside to ${setAside(file)}` : why };
  }
}

export interface ReadJournal {
  readonly entries: JournalEntry[];
  /** A partial last record was ignored. */
  readonly tornTail: boolean;
  readonly problem?: string;
}

/** The entries of one journal file, up to its end (torn tail ignored) or its first damaged line. */
export function readJournal(file: string, aside = true): ReadJournal {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const entries: JournalEntry[] = [];
  let tornTail = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const last = i === lines.length - 1;
    if (line === '') continue;
    let entry: JournalEntry | undefined;
    try {
      const parsed = JSON.parse(line) as JournalEntry;
      if (parsed && typeof parsed === 'object' && typeof parsed.k === 'string') entry = parsed;
    } catch {
      entry = undefined;
    }
    // The last line without its newline is a write cut short; keep nothing of it.
    if (last) {
      tornTail = true;
      break;
    }
    if (!entry) {
      // A bad line followed by more (or a bad last complete line): damaged, not torn.
      if (i === lines.length - 2 && lines[i + 1] === '' && isPrefixOfJson(line)) {
        tornTail = true;
        break;
      }
      const why = `${file} is damaged at line ${i + 1}; the ${entries.length} entries before it were used`;
      return { entries, tornTail, problem: aside ? `${why} and the file moved aside to ${setAside(file)}` : why };
    }
    entries.push(entry);
  }
  return { entries, tornTail };
}

/** A JSON object cut short (no closing brace): what a torn write looks like. */
function isPrefixOfJson(line: string): boolean {
  return line.startsWith('{') && !line.endsWith('}');
}

/** fsyncs a directory so renames and new files in it survive a crash (no-op where unsupported). */
export { fsyncDir as syncDir } from './durable-files';
