/**
 * The engine's state on disk (`<state>/state.json`), so jobs, definitions and queues survive a
 * restart of `localbatch serve` and `localbatch logs` can find a finished run's log streams.
 * Writes are atomic (temp file + rename) and coalesced: at most one write per `debounceMs`.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineSnapshot } from '../core/snapshot';

export const STATE_FILE_NAME = 'state.json';
const FORMAT_VERSION = 1;

interface StateFile {
  readonly version: number;
  readonly savedAt: number;
  readonly engine: EngineSnapshot;
}

export class StateStore {
  readonly file: string;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: (() => EngineSnapshot) | undefined;

  constructor(stateDir: string, private readonly debounceMs = 250) {
    this.file = join(stateDir, STATE_FILE_NAME);
  }

  /** The saved snapshot, or undefined when there is none. Throws on a file it cannot read. */
  load(): EngineSnapshot | undefined {
    if (!existsSync(this.file)) return undefined;
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<StateFile>;
    if (parsed.version !== FORMAT_VERSION || !parsed.engine) {
      throw new Error(`${this.file} was written by another version of localbatch (format ${String(parsed.version)}); move it away to start afresh`);
    }
    return parsed.engine;
  }

  /** Schedules a save; `snapshot` is called when the write happens, so bursts cost one write. */
  saveSoon(snapshot: () => EngineSnapshot): void {
    this.pending = snapshot;
    this.timer ??= setTimeout(() => this.flush(), this.debounceMs);
  }

  /** Writes now (the latest scheduled snapshot, or the given one). */
  flush(snapshot?: () => EngineSnapshot): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const take = snapshot ?? this.pending;
    this.pending = undefined;
    if (!take) return;
    const body: StateFile = { version: FORMAT_VERSION, savedAt: Date.now(), engine: take() };
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(body), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
