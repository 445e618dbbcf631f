/**
 * Keyset paging for the list APIs (Step Functions' ListExecutions and ListStateMachines,
 * Scheduler's ListSchedules, SNS's ListTopics and ListSubscriptions, EventBridge's ListRules and
 * ListTargetsByRule): items in the code-unit order of unique keys, and a token that names the last
 * key listed, not a position, so an item added or removed between two pages neither repeats one
 * nor hides another. Pure.
 */

const PREFIX = 'after:';

/**
 * The page of `items` after `token` (none: from the start), at most `max` long, and the token of
 * the next page when there is one. `invalid` makes the error for a token this did not give.
 */
export function keysetPage<T>(items: readonly T[], keyOf: (item: T) => string, max: number, token: unknown, invalid: () => Error): { page: T[]; nextToken?: string } {
  const sorted = items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let start = 0;
  if (token !== undefined && token !== null) {
    const text = typeof token === 'string' ? Buffer.from(token, 'base64url').toString('utf8') : '';
    if (!text.startsWith(PREFIX)) throw invalid();
    const last = text.slice(PREFIX.length);
    start = sorted.findIndex((x) => x.key > last);
    if (start < 0) start = sorted.length;
  }
  const slice = sorted.slice(start, start + max);
  const more = start + max < sorted.length;
  return { page: slice.map((x) => x.item), ...(more ? { nextToken: Buffer.from(`${PREFIX}${slice.at(-1)!.key}`).toString('base64url') } : {}) };
}
