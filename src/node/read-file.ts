/**
 * Reading a user's file without surprises: only a regular file (after following symlinks) is read,
 * and never more than a cap. A FIFO, a device (a symlink to /dev/zero), a socket or a directory is
 * refused before any byte is read, and is opened non-blocking so a FIFO with no writer cannot hang.
 * Reading stops one chunk past the cap, so a file that grows while read cannot eat memory either.
 */
import { closeSync, constants, fstatSync, openSync, promises as fsp, readSync, type Stats } from 'node:fs';

export class FileReadError extends Error {
  constructor(
    readonly file: string,
    /** not-regular: a FIFO, device, socket or directory; too-large: past the cap; unreadable: the OS refused. */
    readonly reason: 'not-regular' | 'too-large' | 'unreadable',
    /** The reason without the file name, for a diagnostic already placed on the file. */
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'FileReadError';
  }
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const CHUNK = 64 * 1024;

/** The file's bytes; rejects with a FileReadError saying plainly why it was not read. */
export async function readRegularFile(file: string, maxBytes: number): Promise<Buffer> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, OPEN_FLAGS);
  } catch (err) {
    throw unreadable(file, err);
  }
  try {
    check(file, await handle.stat(), maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(file, maxBytes);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    throw err instanceof FileReadError ? err : unreadable(file, err);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** readRegularFile as UTF-8 text. */
export async function readRegularTextFile(file: string, maxBytes: number): Promise<string> {
  return (await readRegularFile(file, maxBytes)).toString('utf8');
}

/** The synchronous form, for start-up paths that are synchronous already. */
export function readRegularFileSync(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (err) {
    throw unreadable(file, err);
  }
  try {
    check(file, fstatSync(fd), maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > maxBytes) throw tooLarge(file, maxBytes);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    throw err instanceof FileReadError ? err : unreadable(file, err);
  } finally {
    closeSync(fd);
  }
}

function check(file: string, st: Stats, maxBytes: number): void {
  if (!st.isFile()) throw new FileReadError(file, 'not-regular', `this is ${kindOf(st)}, not a regular file; only regular files are read`);
  if (st.size > maxBytes) throw tooLarge(file, maxBytes, st.size);
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

function tooLarge(file: string, maxBytes: number, size?: number): FileReadError {
  const has = size === undefined ? 'more than that' : formatBytes(size);
  return new FileReadError(file, 'too-large', `the file is too large to read (${has}; the limit is ${formatBytes(maxBytes)})`);
}

function unreadable(file: string, err: unknown): FileReadError {
  const code = (err as { code?: unknown })?.code;
  return new FileReadError(file, 'unreadable', `cannot read this file: ${typeof code === 'string' ? code : String(err)}`);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
