/**
 * Where a distributed Map run's ended child workflow executions are kept: one file a map run,
 * `<state>/states-maprun/<hash of its ARN>.jsonl`, a JSON line a child, appended as each child ends
 * and synced when the run ends (before its end is journaled). A line is read back by its place, so
 * only the summaries of a run's children stay in memory.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir } from '../store/durable-files';

/** Where a line is in its log. */
export interface LinePlace {
  readonly offset: number;
  readonly length: number;
}

export interface ChildLog {
  /** Adds a line (not yet durable: written once a few hundred KiB wait, or by sync or a read; never throws). */
  append(line: string): LinePlace;
  /** Makes every line appended so far durable, and lets go of the file; throws when it cannot. */
  sync(): void;
  read(place: LinePlace): string;
  /** Every whole line, with its place (a torn last line from a crash is left out). */
  lines(): Array<{ line: string; place: LinePlace }>;
}

export interface ChildLogs {
  /** A map run's log; `fresh` empties it first (a replay writes a running map run's children anew). */
  open(mapRunArn: string, fresh: boolean): ChildLog;
}

/** Appended lines are written once this many bytes wait. */
const FLUSH_BYTES = 256 * 1024;

export function fileChildLogs(stateDir: string): ChildLogs {
  const dir = join(stateDir, 'states-maprun');
  return {
    open(mapRunArn, fresh) {
      const file = join(dir, `${createHash('sha256').update(mapRunArn).digest('hex').slice(0, 40)}.jsonl`);
      let fd: number | undefined;
      // Bytes in the file; then the lines appended but not yet written (written in one call once
      // they add up, or by a sync or a read). What could not be written stays here, still readable.
      let written = !fresh && existsSync(file) ? statSync(file).size : 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      // (a log appended to again, a redriven map run's, may end in a line torn by a crash: the next one starts on a line of its own)
      let torn = written > 0 && !endsWithNewline(file, written);
      const writer = () => {
        if (fd !== undefined) return fd;
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const created = !existsSync(file);
        fd = openSync(file, fresh ? 'w' : 'a', 0o600);
        fresh = false;
        if (created) fsyncDir(dir);
        return fd;
      };
      // A write failed: later appends and reads no longer try (each try would copy all that waits); sync() does.
      let failing = false;
      /** Writes what waits (throws when it cannot; what was not written keeps waiting). */
      const flush = () => {
        if (!pendingBytes) return;
        const data = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
        let done = 0;
        try {
          const to = writer();
          while (done < data.length) done += writeSync(to, data, done, data.length - done);
          failing = false;
        } catch (err) {
          failing = true;
          throw err;
        } finally {
          written += done;
          pending = done < data.length ? [data.subarray(done)] : [];
          pendingBytes = data.length - done;
        }
      };
      const tryFlush = () => {
        if (failing) return;
        try {
          flush();
        } catch {
          // (kept in memory; sync() reports it)
        }
      };
      /** Copies `length` bytes of what waits, from `from` (0: its first byte), into `to` at `at`. */
      const copyPending = (to: Buffer, at: number, from: number, length: number) => {
        let skip = from;
        for (const chunk of pending) {
          if (length <= 0) return;
          if (skip >= chunk.length) {
            skip -= chunk.length;
            continue;
          }
          const n = chunk.copy(to, at, skip, Math.min(chunk.length, skip + length));
          at += n;
          length -= n;
          skip = 0;
        }
      };
      return {
        append(line) {
          if (torn) {
            torn = false;
            pending.push(Buffer.from('\n'));
            pendingBytes += 1;
          }
          const bytes = Buffer.from(line + '\n', 'utf8');
          const place = { offset: written + pendingBytes, length: bytes.length - 1 };
          pending.push(bytes);
          pendingBytes += bytes.length;
          if (pendingBytes >= FLUSH_BYTES) tryFlush();
          return place;
        },
        sync() {
          flush();
          // (a log opened fresh is emptied even when no line came: none of the old ones stays)
          if (fresh) writer();
          if (fd === undefined) return;
          const was = fd;
          fd = undefined;
          try {
            fsyncSync(was);
          } finally {
            closeSync(was);
          }
        },
        read(place) {
          tryFlush();
          const buf = Buffer.alloc(place.length);
          const inFile = Math.max(0, Math.min(place.length, written - place.offset));
          if (inFile > 0) {
            const rfd = openSync(file, 'r');
            try {
              readSync(rfd, buf, 0, inFile, place.offset);
            } finally {
              closeSync(rfd);
            }
          }
          // (the rest of it, not written yet)
          if (inFile < place.length) copyPending(buf, inFile, place.offset + inFile - written, place.length - inFile);
          return buf.toString('utf8');
        },
        lines() {
          tryFlush();
          if (fresh || !existsSync(file)) return [];
          const data = readFileSync(file);
          const out: Array<{ line: string; place: LinePlace }> = [];
          let start = 0;
          for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
            out.push({ line: data.toString('utf8', start, nl), place: { offset: start, length: nl - start } });
            start = nl + 1;
          }
          return out;
        },
      };
    },
  };
}

/** Logs kept in memory (tests, and a server without a state directory). */
export function memoryChildLogs(): ChildLogs {
  const logs = new Map<string, string[]>();
  return {
    open(mapRunArn, fresh) {
      if (fresh || !logs.has(mapRunArn)) logs.set(mapRunArn, []);
      const lines = logs.get(mapRunArn)!;
      return {
        append: (line) => ({ offset: lines.push(line) - 1, length: line.length }),
        sync: () => undefined,
        read: (place) => lines[place.offset],
        lines: () => lines.map((line, offset) => ({ line, place: { offset, length: line.length } })),
      };
    },
  };
}

function endsWithNewline(file: string, size: number): boolean {
  const fd = openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 10;
  } finally {
    closeSync(fd);
  }
}
