/**
 * Tar archives made with tar-stream (the library the image build context already uses). A gzip'd
 * tar archive of a folder (SageMaker's model.tar.gz), streamed through node:zlib, so a large model is
 * never held in memory: regular files and folders only (symlinks and others are left out), names
 * relative to the folder, in name order. And the archive that makes new emptyDir volumes writable by
 * every user.
 */
import { createReadStream, createWriteStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import * as tar from 'tar-stream';

interface Entry {
  readonly name: string;
  readonly full: string;
  readonly directory: boolean;
}

function* walk(root: string, rel = ''): Generator<Entry> {
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    const full = join(root, name);
    if (entry.isDirectory()) {
      yield { name, full, directory: true };
      yield* walk(root, name);
    } else if (entry.isFile()) yield { name, full, directory: false };
  }
}

/** Writes `<folder>` (its contents, not the folder itself) as a .tar.gz to `file`. */
export async function writeTarGz(folder: string, file: string): Promise<void> {
  const pack = tar.pack();
  const written = pipeline(pack, createGzip(), createWriteStream(file));
  try {
    for (const e of walk(folder)) {
      const st = statSync(e.full);
      const header = { name: e.name, mode: st.mode & 0o7777, mtime: st.mtime };
      if (e.directory) {
        pack.entry({ ...header, type: 'directory' });
        continue;
      }
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ ...header, size: st.size }, (err) => (err ? reject(err) : resolve()));
        createReadStream(e.full).on('error', reject).pipe(sink);
      });
    }
    pack.finalize();
  } catch (err) {
    pack.destroy(err instanceof Error ? err : new Error(String(err)));
  }
  await written;
}

/**
 * A tar archive that, put at `/` into a created container, makes the folders at `paths` (the
 * mount points of new disk emptyDir volumes) mode 0777, owned by root, as the kubelet makes an
 * emptyDir: a new Docker volume is root's 0755. Docker applies a folder entry's mode to the folder
 * that is there, the volume mounted on it.
 */
export async function worldWritableFolders(paths: readonly string[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const p of paths) pack.entry({ name: `${p.replace(/^\/+|\/+$/g, '')}/`, type: 'directory', mode: 0o777, uid: 0, gid: 0 });
  pack.finalize();
  const pieces: Buffer[] = [];
  for await (const piece of pack) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}
