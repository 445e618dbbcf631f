/**
 * Building images through the Docker Engine API: the test image and the images users list in
 * `localbatch.yaml`. The build context is a tar stream made here (tar-stream), either from files
 * given in memory or from a context directory, honouring `.dockerignore`.
 */

import { promises as fsp, createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import picomatch from 'picomatch';
import * as tar from 'tar-stream';
import type Docker from 'dockerode';
import type { ImageProgress } from '../batch/core/ports';
import { FileReadError, readRegularTextFile } from '../../node/read-file';

export interface ContextFile {
  /** Path inside the build context, with "/" separators. */
  readonly name: string;
  readonly content: Buffer | string;
  /** Unix mode; 0o644 unless given. */
  readonly mode?: number;
}

export interface BuildImageOptions {
  /** Tag for the built image, e.g. "my-job:latest". */
  readonly name: string;
  /** A directory to use as the build context... */
  readonly contextDir?: string;
  /** ...or the context's files given in memory (include the Dockerfile). */
  readonly files?: readonly ContextFile[];
  /** Dockerfile path inside the context; "Dockerfile" unless given. */
  readonly dockerfile?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Extra labels on the image. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Multi-stage build target (`docker build --target`). */
  readonly target?: string;
  /** `docker build --platform`, e.g. linux/amd64. */
  readonly platform?: string;
  /** `docker build --network` for RUN steps. */
  readonly networkMode?: string;
}

interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** True when the image exists in the local engine. */
export async function imageExists(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/** Builds and tags an image; progress lines go to `onProgress`. Rejects with the build's error. */
export async function buildImage(
  docker: Docker,
  opts: BuildImageOptions,
  onProgress?: (p: ImageProgress) => void,
): Promise<void> {
  if ((opts.contextDir === undefined) === (opts.files === undefined)) {
    throw new Error('buildImage: give exactly one of contextDir or files');
  }
  const context = opts.files !== undefined ? packFiles(opts.files) : await packDirectory(opts.contextDir as string, opts.dockerfile);
  const stream = await docker.buildImage(context, {
    t: opts.name,
    dockerfile: opts.dockerfile ?? 'Dockerfile',
    buildargs: opts.buildArgs ? { ...opts.buildArgs } : undefined,
    labels: opts.labels ? { ...opts.labels } : undefined,
    ...(opts.target ? { target: opts.target } : {}),
    ...(opts.platform ? { platform: opts.platform } : {}),
    ...(opts.networkMode ? { networkmode: opts.networkMode } : {}),
    rm: true,
    forcerm: true,
  });
  const failure = await new Promise<string | undefined>((resolve, reject) => {
    let error: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve(error)),
      (event: BuildEvent) => {
        if (event.error !== undefined) error = event.errorDetail?.message ?? event.error;
        const message = (event.stream ?? event.status ?? event.error ?? '').replace(/\n+$/, '');
        if (message !== '' && onProgress) onProgress({ image: opts.name, message });
      },
    );
  });
  if (failure !== undefined) throw new Error(`Building image ${opts.name} failed: ${failure}`);
}

/** A tar stream of in-memory files. */
export function packFiles(files: readonly ContextFile[]): Readable {
  const pack = tar.pack();
  for (const f of files) {
    const content = typeof f.content === 'string' ? Buffer.from(f.content) : f.content;
    pack.entry({ name: f.name, mode: f.mode ?? 0o644, size: content.length, mtime: new Date(0) }, content);
  }
  pack.finalize();
  return Readable.from(pack);
}

/** A tar stream of a directory, leaving out what `.dockerignore` excludes. */
export async function packDirectory(dir: string, dockerfile = 'Dockerfile'): Promise<Readable> {
  const ignore = await readDockerignore(dir);
  const keep = (rel: string): boolean =>
    rel === dockerfile || rel === '.dockerignore' || !ignore(rel);
  const entries = await walk(dir, '', keep);
  const pack = tar.pack();
  // Written in the background; the consumer (the HTTP request) applies backpressure.
  void (async () => {
    try {
      for (const e of entries) await addEntry(pack, dir, e);
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return Readable.from(pack);
}

interface WalkEntry {
  readonly rel: string;
  readonly kind: 'file' | 'directory' | 'symlink';
  readonly mode: number;
  readonly size: number;
}

async function walk(root: string, relDir: string, keep: (rel: string) => boolean): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  const names = (await fsp.readdir(path.join(root, relDir))).sort();
  for (const name of names) {
    const rel = relDir === '' ? name : `${relDir}/${name}`;
    const st = await fsp.lstat(path.join(root, rel));
    if (st.isDirectory()) {
      // An excluded directory may still contain re-included files ("!dir/keep"), so descend.
      const children = await walk(root, rel, keep);
      if (keep(rel) || children.length > 0) out.push({ rel, kind: 'directory', mode: st.mode & 0o7777, size: 0 }, ...children);
    } else if (keep(rel)) {
      if (st.isSymbolicLink()) out.push({ rel, kind: 'symlink', mode: st.mode & 0o7777, size: 0 });
      else if (st.isFile()) out.push({ rel, kind: 'file', mode: st.mode & 0o7777, size: st.size });
    }
  }
  return out;
}

function addEntry(pack: tar.Pack, root: string, e: WalkEntry): Promise<void> {
  const abs = path.join(root, e.rel);
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null): void => (err ? reject(err) : resolve());
    if (e.kind === 'directory') {
      pack.entry({ name: `${e.rel}/`, type: 'directory', mode: e.mode }, done);
    } else if (e.kind === 'symlink') {
      fsp.readlink(abs).then((target) => pack.entry({ name: e.rel, type: 'symlink', linkname: target, mode: e.mode }, done), reject);
    } else {
      const entry = pack.entry({ name: e.rel, type: 'file', mode: e.mode, size: e.size }, done);
      const src = createReadStream(abs);
      src.on('error', reject);
      src.pipe(entry);
    }
  });
}

/**
 * A minimal `.dockerignore`: one pattern per line, "#" comments, "!" re-includes, last match wins;
 * a pattern that matches a directory excludes everything below it. Returns "is excluded".
 */
export async function readDockerignore(dir: string): Promise<(rel: string) => boolean> {
  let text: string;
  try {
    text = await readRegularTextFile(path.join(dir, '.dockerignore'), 1024 * 1024);
  } catch (err) {
    // No .dockerignore: nothing is excluded. One that is a FIFO, a device or huge is an error.
    if (err instanceof FileReadError && err.reason !== 'unreadable') throw err;
    return () => false;
  }
  return dockerignoreMatcher(text);
}

export function dockerignoreMatcher(text: string): (rel: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = path.posix.normalize((negate ? l.slice(1) : l).trim()).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, match: picomatch(pattern, { dot: true }) };
    });
  return (rel: string) => {
    const parts = rel.split('/');
    let excluded = false;
    for (const r of rules) {
      // The path itself or any of its parent directories.
      for (let i = parts.length; i >= 1; i--) {
        if (r.match(parts.slice(0, i).join('/'))) {
          excluded = !r.negate;
          break;
        }
      }
    }
    return excluded;
  };
}
