/**
 * Array child job ids, `<array-job-id>:<index>` as AWS Batch writes them: the index is a
 * non-negative decimal integer with no sign, no whitespace, no leading zero (other than `0`
 * itself), no fraction or exponent. Anything else is not a child id (`abc:1.5`, `abc: 1`,
 * `abc:01`, `abc:-1`, `abc:` name no job).
 */

/** Array sizes are at most 10,000, so an index has at most 4 digits; 5 leaves room. */
const CHILD_ID = /^(.+):(0|[1-9][0-9]{0,4})$/;

export interface ChildId {
  readonly parentId: string;
  readonly index: number;
}

/** The parent id and index of an array child id, or undefined when `id` is not one. */
export function parseChildId(id: string): ChildId | undefined {
  const m = CHILD_ID.exec(id);
  return m ? { parentId: m[1], index: Number(m[2]) } : undefined;
}

/** The child at `index` of `children` (undefined when out of range). */
export function childAt<T>(children: readonly T[] | undefined, index: number): T | undefined {
  return children !== undefined && index < children.length ? children[index] : undefined;
}

/** A strictly written positive whole number (`--attempt 2`), else undefined. */
export function parsePositiveInteger(text: string): number | undefined {
  return /^[1-9][0-9]{0,8}$/.test(text) ? Number(text) : undefined;
}
