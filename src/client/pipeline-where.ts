/** Where a template's pipeline resource is, for the lines `serve` and `run` print about it. */
import type { PipelineResource } from '../model/iac';
import { isObj, type Obj } from '../model/values';

/**
 * `file:line` of a resource; with `message` (why it failed to load), the line of the property the
 * message names, as `localbatch validate` points at it, else the resource's.
 */
export function whereIs(r: PipelineResource, message = ''): string {
  try {
    return `${r.doc.file}:${r.doc.rangeOf(namedIn(r.value, message), 'key').start.line + 1}`;
  } catch {
    return r.doc.file;
  }
}

/**
 * The path of the property (at the top, or one level down: a subscription's `Attributes`) whose name
 * `message` mentions; else of the longest value (of 6 characters or more) the message quotes, such
 * as the event or topic ARN an S3 error names; [] when none.
 */
function namedIn(value: Obj, message: string): Array<string | number> {
  const mentions = (k: string) => /^\w+$/.test(k) && new RegExp(`\\b${k}\\b`).test(message);
  for (const k of Object.keys(value)) if (mentions(k)) return [k];
  for (const [k, v] of Object.entries(value)) {
    const inner = isObj(v) ? Object.keys(v).find(mentions) : undefined;
    if (inner) return [k, inner];
  }
  let best: { path: Array<string | number>; length: number } | undefined;
  const visit = (v: unknown, path: Array<string | number>, depth: number) => {
    if (typeof v === 'string') {
      if (v.length >= 6 && v.length > (best?.length ?? 0) && message.includes(v)) best = { path, length: v.length };
    } else if (depth < 6 && Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i], depth + 1));
    else if (depth < 6 && isObj(v)) for (const [k, x] of Object.entries(v)) visit(x, [...path, k], depth + 1);
  };
  visit(value, [], 0);
  return best?.path ?? [];
}
