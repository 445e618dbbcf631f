/**
 * Reading a Step Functions execution's history through any SFN client. A running execution is read
 * again and again (the live graph, the Local view's runs, `localbatch run`), so after the first read
 * only the events newer than the last one seen are read: GetExecutionHistory newest first
 * (`reverseOrder`), page by page, until a page reaches the last id seen. Event ids count up from 1
 * in the order the events happened, so a poll of a Map of thousands of items costs one page of 100
 * events (then pages of 1,000 while there are more new ones), not its whole history.
 */
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';

const PAGE = 1000;
/** The first page of a read of new events: most polls find a few, and a page answers whole. */
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
  const newestFirst: HistoryEvent[] = [];
  let nextToken: string | undefined;
  read: do {
    const maxResults = nextToken ? PAGE : FIRST_NEW_PAGE;
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults, reverseOrder: true }));
    for (const e of page.events ?? []) {
      if ((e.id ?? 0) <= afterId) break read;
      newestFirst.push(e);
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

/** One execution's history as it grows: `read` adds the events since the last read. */
export class HistoryFollower {
  private readonly all: HistoryEvent[] = [];
  private last = 0;

  constructor(
    private readonly sfn: SFNClient,
    readonly executionArn: string,
  ) {}

  /** Every event read so far, oldest first. */
  get events(): readonly HistoryEvent[] {
    return this.all;
  }

  /** Reads the events since the last read; answers them (oldest first). */
  async read(): Promise<HistoryEvent[]> {
    const fresh = await readHistoryAfter(this.sfn, this.executionArn, this.last);
    this.last = lastEventId(fresh, this.last);
    this.all.push(...fresh);
    return fresh;
  }
}
