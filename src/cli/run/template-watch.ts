/**
 * How `localbatch serve` follows its workspace's templates while it runs: each template file it
 * loaded is polled once a second, as long as it serves (so a file a tool writes anew, as `cdk
 * synth` does, is followed too, and so is a template that stops being one and becomes one again),
 * and the workspace's folders are scanned for new, removed or changed JSON/YAML files (names, sizes
 * and mtimes), which may be templates added or filled in since. Changes within half a second
 * make one load; a load the scan asked for that finds the same templates changes nothing. The scan
 * runs every 5 seconds, or less often in a folder that takes long to walk (at most 5% of the time
 * walking). Node I/O only.
 */
import { unwatchFile, watchFile } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findDefinitionFiles } from '../../node/definition-files';

export interface WatchedLoad {
  /** Absolute paths of the template files the load read. */
  readonly files: readonly string[];
}

/** Loads again; `newFiles`: asked by the scan (a load that finds the same templates may skip its work). */
export type Reload<L extends WatchedLoad> = (previous: L, newFiles: boolean) => Promise<L>;

const POLL_MS = 1000;
const SETTLE_MS = 500;
const SCAN_MS = 5000;
/** The scan's share of the time at most. */
const SCAN_SHARE = 0.05;

/**
 * The workspace's definition and JSON/YAML file names, with each JSON/YAML file's size and mtime
 * (what the scan compares: a file that was no template, e.g. created empty and then filled in, is
 * noticed once it changes); take it before the first load.
 */
export async function workspaceNames(root: string): Promise<string> {
  const found = await findDefinitionFiles([root], root);
  const stamp = async (f: string) => {
    const st = await stat(path.resolve(root, f)).catch(() => undefined);
    return st ? `${f} ${st.size} ${st.mtimeMs}` : f;
  };
  return [...found.files, ...(await Promise.all(found.candidates.map(stamp)))].join('\n');
}

/** `names`: workspaceNames taken before `first` was loaded (a template added meanwhile is then noticed). */
export function watchTemplates<L extends WatchedLoad>(root: string, first: L, names: string | undefined, reload: Reload<L>, log: (line: string) => void): () => void {
  let current = first;
  let watched: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let scanTimer: ReturnType<typeof setTimeout> | undefined;
  let loading: Promise<void> = Promise.resolve();
  let stopped = false;
  let byScan = false;
  let byFile = false;
  const changed = (fromScan: boolean) => {
    if (fromScan) byScan = true;
    else byFile = true;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const newFiles = byScan && !byFile;
      byScan = byFile = false;
      loading = loading
        .then(async () => {
          if (stopped) return;
          current = await reload(current, newFiles);
          if (!stopped) watch(current.files);
        })
        .catch((err: unknown) => {
          // The workspace could not be read at all: say so, and keep watching for the fix.
          log(`localbatch serve: could not read the workspace again: ${err instanceof Error ? err.message : String(err)}`);
        });
    }, SETTLE_MS);
  };
  const fileChanged = () => changed(false);
  // A file stays watched once it was a template: one that stopped being one (its resources
  // commented out) and becomes one again is loaded again, though its name never changed.
  const watch = (files: readonly string[]) => {
    for (const f of files) if (!watched.includes(f)) watchFile(f, { interval: POLL_MS, persistent: false }, fileChanged);
    watched = [...new Set([...watched, ...files])];
  };
  let known = names;
  const scan = async () => {
    const started = Date.now();
    try {
      const now = await workspaceNames(root);
      if (known !== undefined && now !== known) changed(true);
      known = now;
    } catch {
      // An unreadable folder is the load's to report.
    }
    if (stopped) return;
    scanTimer = setTimeout(() => void scan(), Math.max(SCAN_MS, (Date.now() - started) / SCAN_SHARE));
    scanTimer.unref();
  };
  watch(first.files);
  void scan();
  return () => {
    stopped = true;
    clearTimeout(timer);
    clearTimeout(scanTimer);
    for (const f of watched) unwatchFile(f, fileChanged);
  };
}
