/**
 * A gzip'd ustar archive of a folder (SageMaker's model.tar.gz), written with node:zlib. Regular
 * files and folders only (symlinks and others are left out); names relative to the folder.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

function header(name: string, size: number, mode: number, mtime: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(512);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 154);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`path too long for a tar archive: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  h.write(base, 0, 100, 'utf8');
  h.write(`${(mode & 0o7777).toString(8).padStart(7, '0')}\0`, 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  h.write(`${Math.floor(mtime / 1000).toString(8).padStart(11, '0')}\0`, 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

function collect(root: string, rel: string, out: Buffer[]): void {
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    const full = join(root, name);
    const st = statSync(full);
    if (entry.isDirectory()) {
      out.push(header(`${name}/`, 0, st.mode, st.mtimeMs, '5'));
      collect(root, name, out);
    } else if (entry.isFile()) {
      const data = readFileSync(full);
      out.push(header(name, data.length, st.mode, st.mtimeMs, '0'), data);
      if (data.length % 512) out.push(Buffer.alloc(512 - (data.length % 512)));
    }
  }
}

/** Writes `<folder>` (its contents, not the folder itself) as a .tar.gz to `file`. */
export function writeTarGz(folder: string, file: string): void {
  const parts: Buffer[] = [];
  collect(folder, '', parts);
  parts.push(Buffer.alloc(1024));
  writeFileSync(file, gzipSync(Buffer.concat(parts)));
}
