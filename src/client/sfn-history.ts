/**
 * Reading a Step Functions execution's history through any SFN client. A running execution is read
 * again and again (the live graph, the Local view's runs, `localbatch run`), so after the first read
 * only the events newer than the last one seen are read, newest first (`reverseOrder`). Event ids
 * count up from 1 in the order the events happened, so the newest event's id says how many are
 * new: a first page of 100 answers most polls; when more are new, the newest are listed again in
 * pages sized to end at the last event seen (a token is used with the arguments it was given with,
 * as AWS asks). A poll of a Map of thousands of items costs a page, not its whole history.
 */
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';

const PAGE = 1000;
/** The first page of a read of new events. */
const FIRST_NEW_PAGE = 100;

/** An execution's whole history, oldest first. */
export async function readHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: PAGE }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The events of an execution's history whose id is above `afterId`, oldest first (0: the whole history). */
export async function readHistoryAfter(sfn: SFNClient, executionArn: string, afterId: number): Promise<HistoryEvent[]> {
  if (afterId <= 0) return readHistory(sfn, executionArn);
  const first = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: FIRST_NEW_PAGE, reverseOrder: true }));
  const events = first.events ?? [];
  const newestId = events[0]?.id ?? 0;
  if (!first.nextToken || events.some((e) => (e.id ?? 0) <= afterId)) return events.filter((e) => (e.id ?? 0) > afterId).reverse();
  // More are new than one page holds: from the newest read down to the last one seen (inclusive,
  // so the last page shows where to stop), in equal pages of at most 1,000. Events newer than the
  // first page's are left for the next read.
  const wanted = newestId - afterId + 1;
  const maxResults = Math.ceil(wanted / Math.ceil(wanted / PAGE));
  const newestFirst: HistoryEvent[] = [];
  let nextToken: string | undefined;
  read: do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults, reverseOrder: true }));
    for (const e of page.events ?? []) {
      const id = e.id ?? 0;
      if (id <= afterId) break read;
      if (id <= newestId) newestFirst.push(e);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return newestFirst.reverse();
}

/** The highest event id in `events`, or `since` when none is higher. */
export function lastEventId(events: readonly { readonly id?: number }[], since = 0): number {
  let last = since;
  for (const e of events) if ((e.id ?? 0) > last) last = e.id!;
  return last;
}

/** One execution's history as it grows, through one client: `read` adds the events since the last read. */
export class HistoryFollower {
  private readonly all: HistoryEvent[] = [];
  private last = 0;
  private reading: Promise<HistoryEvent[]> | undefined;

  constructor(
    readonly sfn: SFNClient,
    readonly executionArn: string,
  ) {}

  /** Every event read so far, oldest first. */
  get events(): readonly HistoryEvent[] {
    return this.all;
  }

  /** Reads the events since the last read; answers them (oldest first). A read asked for while one runs is that read. */
  read(): Promise<HistoryEvent[]> {
    this.reading ??= readHistoryAfter(this.sfn, this.executionArn, this.last)
      .then((fresh) => {
        this.last = lastEventId(fresh, this.last);
        this.all.push(...fresh);
        return fresh;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }
}
