/**
 * The keys under a prefix, read from the bucket's folders (no per-file stat): each folder through
 * the ListIndex's cache of entries, the whole sorted walk kept there while none of its folders
 * changed. A folder holding a marker object (`a/` put through the API) lists that key too.
 */
import { join } from 'node:path';
import type { Bucket } from './buckets';
import type { ListIndex, Walk } from './list-index';
import { compareKeys, keySegments, TEMP_PREFIX } from './names';

/**
 * `skip`: a folder never listed (the state directory, when inside a bucket's folder);
 * `isMarker(key)`: whether a folder's key (ending in `/`) is an object of its own.
 */
export function walkKeys(index: ListIndex, bucket: Bucket, prefix: string, skip: string, isMarker: (key: string) => boolean): Walk {
  const cached = index.walked(bucket.name, prefix);
  if (cached) return cached;
  const cut = prefix.lastIndexOf('/');
  const folderKey = cut < 0 ? '' : prefix.slice(0, cut + 1);
  let start: string;
  try {
    start = folderKey ? join(bucket.dir, ...keySegments(folderKey)) : bucket.dir;
  } catch {
    return { keys: [], dirs: [], settled: true, at: performance.now() };
  }
  const keys: string[] = [];
  const dirs: Array<[string, number]> = [];
  let settled = true;
  const at = performance.now();
  const walk = (dir: string, keyPrefix: string): void => {
    const listed = index.entries(dir);
    if (!listed) return;
    if (!listed.settled) settled = false;
    dirs.push([dir, listed.mtimeMs]);
    if (keyPrefix && keyPrefix.startsWith(prefix) && isMarker(keyPrefix)) keys.push(keyPrefix);
    for (const e of listed.entries) {
      if (e.name.startsWith(TEMP_PREFIX)) continue;
      const key = keyPrefix + e.name;
      if (!(key.startsWith(prefix) || prefix.startsWith(key + '/'))) continue;
      const full = join(dir, e.name);
      if (e.isDir) {
        if (full !== skip) walk(full, key + '/');
      } else if (e.isFile && key.startsWith(prefix)) keys.push(key);
    }
  };
  walk(start, folderKey);
  keys.sort(compareKeys);
  const result = { keys, dirs, settled, at };
  if (settled) index.remember(bucket.name, prefix, result);
  return result;
}
