/**
 * Readable diffs of canonical definitions: each side is rendered as YAML (keys sorted, as
 * `normalize` leaves them) and compared line by line (longest common subsequence), so a reviewer
 * sees `- image: app:1` / `+ image: app:2` with a few lines of context. Pure.
 */
import { stringify } from 'yaml';
import type { Json } from '../model/definition-normalize';

export interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

/** The YAML text of a canonical value ('' for undefined: the item does not exist). */
export function renderYaml(value: Json | undefined): string {
  if (value === undefined) return '';
  return stringify(value, { sortMapEntries: true, lineWidth: 0 });
}

function lines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\n$/, '').split('\n');
}

/** Every line of both sides, marked kept, removed or added. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = lines(before);
  const b = lines(after);
  // LCS table from the end; definitions are small (hundreds of lines at most).
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push({ op: '-', text: a[i++] });
    else out.push({ op: '+', text: b[j++] });
  }
  while (i < n) out.push({ op: '-', text: a[i++] });
  while (j < m) out.push({ op: '+', text: b[j++] });
  return out;
}

/**
 * The changed lines with `context` unchanged lines around each change; skipped runs become one
 * `  …` line. Empty when nothing changed.
 */
export function compactDiff(all: readonly DiffLine[], context = 2): DiffLine[] {
  if (!all.some((l) => l.op !== ' ')) return [];
  const keep = all.map(() => false);
  all.forEach((l, idx) => {
    if (l.op === ' ') return;
    for (let k = Math.max(0, idx - context); k <= Math.min(all.length - 1, idx + context); k++) keep[k] = true;
  });
  const out: DiffLine[] = [];
  let skipped = false;
  all.forEach((l, idx) => {
    if (keep[idx]) {
      if (skipped) out.push({ op: ' ', text: '…' });
      skipped = false;
      out.push(l);
    } else skipped = true;
  });
  if (skipped) out.push({ op: ' ', text: '…' });
  return out;
}

/** The diff of two canonical values, compacted, as text lines prefixed with `- `, `+ ` or `  `. */
export function describeDiff(before: Json | undefined, after: Json | undefined, context = 2): string[] {
  return compactDiff(diffLines(renderYaml(before), renderYaml(after)), context).map((l) => `${l.op} ${l.text}`);
}
