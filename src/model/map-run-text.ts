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

export function mapRunProgressText(counts: MapRunItemCounts | undefined): string {
  const c = counts ?? {};
  const done = (c.succeeded ?? 0) + (c.failed ?? 0) + (c.timedOut ?? 0) + (c.aborted ?? 0);
  const parts = [`${c.succeeded ?? 0} succeeded`, ...(c.failed ? [`${c.failed} failed`] : []), ...(c.timedOut ? [`${c.timedOut} timed out`] : []), ...(c.aborted ? [`${c.aborted} aborted`] : [])];
  return `${done} of ${c.total ?? 0} items done (${parts.join(', ')})${c.running ? `, ${c.running} running` : ''}`;
}

/** The short form, for the graph's Map state: "5/6 items, 1 failed, 1 running". */
export function mapRunProgressShort(counts: MapRunItemCounts | undefined): string {
  const c = counts ?? {};
  const done = (c.succeeded ?? 0) + (c.failed ?? 0) + (c.timedOut ?? 0) + (c.aborted ?? 0);
  const parts = [`${done}/${c.total ?? 0} items`, ...(c.failed ? [`${c.failed} failed`] : []), ...(c.timedOut ? [`${c.timedOut} timed out`] : []), ...(c.aborted ? [`${c.aborted} aborted`] : []), ...(c.running ? [`${c.running} running`] : [])];
  return parts.join(', ');
}
