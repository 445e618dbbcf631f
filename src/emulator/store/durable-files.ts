/** Small durable-file helpers (S3's objects, Step Functions' histories, the journals): write to a temp file, fsync, rename, fsync the folder. */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some file systems refuse fsync on folders; the file itself is synced
  }
}

export async function fsyncDirAsync(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // as above
  }
}

let counter = 0;
export function tempName(): string {
  return `${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
}

/** Replaces `file` with `data` so that a crash leaves either the old or the new content, never a mix. */
export async function writeDurable(file: string, data: string | Buffer, tmpDir = dirname(file)): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${tmpDir}/${tempName()}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  renameSync(tmp, file);
  await fsyncDirAsync(dirname(file));
}

export function writeDurableSync(file: string, data: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${tempName()}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o600 });
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    // (a folder in the file's place, a full disk: no temp file is left behind)
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(dirname(file));
}

/** An open file the caller syncs and closes (a fs/promises FileHandle is one). */
export interface OpenFile {
  readonly fd: number;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** fsync of a file by its path (open, sync, close). */
export async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** A read-only descriptor of the file, or undefined when it cannot be opened. */
export function openQuietly(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch {
    return undefined;
  }
}
