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

/** The path of the property (at the top, or one level down: a subscription's `Attributes`) whose name `message` mentions; [] when none. */
function namedIn(value: Obj, message: string): string[] {
  const mentions = (k: string) => /^\w+$/.test(k) && new RegExp(`\\b${k}\\b`).test(message);
  for (const k of Object.keys(value)) if (mentions(k)) return [k];
  for (const [k, v] of Object.entries(value)) {
    const inner = isObj(v) ? Object.keys(v).find(mentions) : undefined;
    if (inner) return [k, inner];
  }
  return [];
}
