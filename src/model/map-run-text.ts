/**
 * A distributed Map's progress in words, from DescribeMapRun's itemCounts: "5 of 6 items done
 * (4 succeeded, 1 failed), 1 running" (`localbatch run`), or in short, "5/6 items, 1 failed, 1
 * running" (the state machine graph's Map). Pure.
 */
export interface MapRunItemCounts {
  readonly total?: number;
  readonly succeeded?: number;
  readonly failed?: number;
  readonly timedOut?: number;
  readonly aborted?: number;
  readonly running?: number;
}

/** The items done, and the words for those that did not succeed ("1 failed", "2 aborted"; counts above zero only). */
function ended(c: MapRunItemCounts): { done: number; words: string[] } {
  const done = (c.succeeded ?? 0) + (c.failed ?? 0) + (c.timedOut ?? 0) + (c.aborted ?? 0);
  return { done, words: [...(c.failed ? [`${c.failed} failed`] : []), ...(c.timedOut ? [`${c.timedOut} timed out`] : []), ...(c.aborted ? [`${c.aborted} aborted`] : [])] };
}

export function mapRunProgressText(counts: MapRunItemCounts | undefined): string {
  const c = counts ?? {};
  const { done, words } = ended(c);
  return `${done} of ${c.total ?? 0} items done (${[`${c.succeeded ?? 0} succeeded`, ...words].join(', ')})${c.running ? `, ${c.running} running` : ''}`;
}

/** The short form, for the graph's Map state: "5/6 items, 1 failed, 1 running". */
export function mapRunProgressShort(counts: MapRunItemCounts | undefined): string {
  const c = counts ?? {};
  const { done, words } = ended(c);
  return [`${done}/${c.total ?? 0} items`, ...words, ...(c.running ? [`${c.running} running`] : [])].join(', ');
}
