/**
 * Where a multipart upload's parts are written so that completing it seldom copies them. Clients
 * cut a file into parts of one size (the AWS CLI 8 MiB, the SDKs and boto3 likewise) with only the
 * last one shorter, so part n is written straight into the upload's `data` file at (n - 1) x that
 * size (the upload's stride, set by its first part of at least 5 MiB). Completing parts 1..k all
 * laid out so is then a truncate and a rename of that file; anything else (a part longer than the
 * stride, parts completed with gaps, a part uploaded twice, a part arriving while another write of
 * the same number is under way) falls back to a part file of its own and a copy at completion.
 *
 * A region already holding an acknowledged part is never written again (a new upload of that part
 * number takes its own file), so a failed or concurrent write cannot spoil an acknowledged part.
 * Which parts are being written is known here, in memory, so completion never turns the data file
 * into the object while a write into it is under way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_OBJECT_BYTES, MIN_PART_BYTES } from './names';

export const DATA_FILE = 'data';

/** What a part's record says about where its bytes are (multipart.ts keeps it in `<n>.json`). */
export interface PartPlace {
  readonly size: number;
  /** Offset in the upload's data file; absent: the part is the file `<n>`. */
  readonly at?: number;
  /** The upload's stride when the part was written into the data file. */
  readonly stride?: number;
}

interface UploadState {
  stride?: number;
  readonly writing: Set<number>;
  completing: boolean;
}

export class PartLayout {
  private readonly uploads = new Map<string, UploadState>();

  /**
   * The offset in the data file where part `n` of `declared` bytes is to be written, reserved for
   * it until `release`; undefined when the part is to take a file of its own.
   */
  claim(id: string, dir: string, n: number, declared: number | undefined): number | undefined {
    const s = this.state(id, dir);
    if (declared === undefined || s.completing || s.writing.has(n)) return undefined;
    if (s.stride === undefined) {
      if (declared < MIN_PART_BYTES) return undefined;
      s.stride = declared;
    }
    if (declared > s.stride || n * s.stride > MAX_OBJECT_BYTES) return undefined;
    if (readPlace(dir, n)?.at !== undefined) return undefined;
    s.writing.add(n);
    return (n - 1) * s.stride;
  }

  release(id: string, n: number): void {
    this.uploads.get(id)?.writing.delete(n);
  }

  stride(id: string): number | undefined {
    return this.uploads.get(id)?.stride;
  }

  /**
   * From now on new parts of the upload take files of their own; true when no part is being
   * written into the data file, so that it can become the object.
   */
  beginComplete(id: string, dir: string): boolean {
    const s = this.state(id, dir);
    s.completing = true;
    return s.writing.size === 0;
  }

  /** A completion that failed: parts may use the data file again. */
  endComplete(id: string): void {
    const s = this.uploads.get(id);
    if (s) s.completing = false;
  }

  /** The upload is completed or aborted. */
  forget(id: string): void {
    this.uploads.delete(id);
  }

  private state(id: string, dir: string): UploadState {
    let s = this.uploads.get(id);
    if (s) return s;
    // First touch of this upload in this process: its stride is in any record of a part in the data file.
    s = { writing: new Set(), completing: false };
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // no such upload: the caller answers NoSuchUpload
    }
    for (const name of names) {
      const m = /^(\d+)\.json$/.exec(name);
      const stride = m ? readPlace(dir, Number(m[1]))?.stride : undefined;
      if (stride !== undefined) {
        s.stride = stride;
        break;
      }
    }
    this.uploads.set(id, s);
    return s;
  }
}

function readPlace(dir: string, n: number): PartPlace | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8')) as PartPlace;
  } catch {
    return undefined;
  }
}

/**
 * Whether parts `chosen` (in order) are exactly parts 1..k laid out in the data file with one
 * stride, all but the last of that size, and no other part recorded there past them: then the data
 * file cut to their total is the object.
 */
export function laidOutInPlace(chosen: ReadonlyArray<{ n: number; part: PartPlace }>, all: ReadonlyMap<number, PartPlace>): boolean {
  const stride = chosen[0]?.part.stride;
  if (stride === undefined) return false;
  const ok = chosen.every(({ n, part }, i) => n === i + 1 && part.stride === stride && part.at === i * stride && (i === chosen.length - 1 ? part.size <= stride : part.size === stride));
  if (!ok) return false;
  for (const [n, part] of all) if (n > chosen.length && part.at !== undefined) return false;
  return true;
}
