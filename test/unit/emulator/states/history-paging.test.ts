/**
 * GetExecutionHistory pages a long history without copying it whole: a real StatesService runs a
 * Map of 2,500 Pass items (10,000+ history events) on a fake clock, then the API handler is asked
 * for every page, oldest and newest first, while the history array is wrapped so that every element
 * read is counted. Each page may read only the events it returns. Also: pages join up to the whole
 * history in order, the token survives events added while reading, a made-up token is
 * InvalidToken, and includeExecutionData: false leaves the stored history intact.
 */
import assert from 'node:assert/strict';
import { ApiError } from '../../../../src/emulator/edge/errors';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { statesHandlers } from '../../../../src/emulator/states/api/handlers';
import { StatesService, type HistoryEvent } from '../../../../src/emulator/states/service';
import { memoryJournal } from '../../../../src/emulator/states/store';

const MAP = { StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } };

type Page = { events: Array<Record<string, unknown>>; nextToken?: string };

/** `history` with a count of the elements read through it. */
function counted(history: HistoryEvent[]): { view: HistoryEvent[]; reads: () => number; reset: () => void } {
  let reads = 0;
  const view = new Proxy(history, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { view, reads: () => reads, reset: () => (reads = 0) };
}

describe('GetExecutionHistory paging', () => {
  let svc: StatesService;
  let handlers: ReturnType<typeof statesHandlers>;
  let executionArn: string;

  before(async function () {
    this.timeout(120_000);
    svc = new StatesService({ clock: new FakeClock(), account: '123456789012', region: 'us-east-1', journal: memoryJournal(), runTask: () => Promise.reject(new Error('no tasks here')) });
    handlers = statesHandlers(svc);
    const { stateMachineArn } = (await handlers.CreateStateMachine({ name: 'map', roleArn: 'arn:aws:iam::123456789012:role/r', definition: JSON.stringify(MAP) })) as { stateMachineArn: string };
    ({ executionArn } = (await handlers.StartExecution({ stateMachineArn, input: JSON.stringify({ items: Array.from({ length: 2500 }, (_, i) => i) }) })) as { executionArn: string });
    const outcome = await svc.executions.get(executionArn)!.done;
    assert.equal(outcome?.status, 'SUCCEEDED');
  });

  const history = (input: Record<string, unknown>) => handlers.GetExecutionHistory({ executionArn, ...input }) as Page;

  for (const reverseOrder of [false, true]) {
    it(`reads only each page's events (${reverseOrder ? 'newest' : 'oldest'} first), and the pages join up to the whole history`, () => {
      const rec = svc.executions.get(executionArn)!;
      const whole = rec.history;
      assert.ok(whole.length >= 10_000, `history of ${whole.length} events`);
      const c = counted(whole);
      rec.history = c.view;
      try {
        const ids: number[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          c.reset();
          const page = history({ maxResults: 1000, nextToken: token, reverseOrder });
          assert.ok(page.events.length <= 1000);
          assert.ok(c.reads() <= page.events.length, `page ${pages + 1} read ${c.reads()} events of the history to answer ${page.events.length}`);
          ids.push(...page.events.map((e) => e.id as number));
          token = page.nextToken;
          pages++;
        } while (token);
        const expected = whole.map((e) => e.id);
        assert.deepEqual(ids, reverseOrder ? expected.reverse() : expected);
        assert.equal(pages, Math.ceil(whole.length / 1000));
      } finally {
        rec.history = whole;
      }
    });
  }

  it('a token stays right while events are added (newest first: the next page goes on from where the last stopped)', () => {
    const rec = svc.executions.get(executionArn)!;
    const n = rec.history.length;
    const first = history({ maxResults: 3, reverseOrder: true });
    assert.deepEqual(first.events.map((e) => e.id), [n, n - 1, n - 2]);
    rec.history.push({ timestamp: 0, type: 'Added', id: n + 1, previousEventId: n });
    try {
      const next = history({ maxResults: 3, reverseOrder: true, nextToken: first.nextToken });
      assert.deepEqual(next.events.map((e) => e.id), [n - 3, n - 4, n - 5]);
    } finally {
      rec.history.pop();
    }
  });

  it('refuses maxResults over 1000 as AWS does; 1000 is a page', () => {
    assert.throws(() => history({ maxResults: 1001 }), (e: unknown) => e instanceof ApiError && e.type === 'ValidationException' && /less than or equal to 1000/.test(e.message));
    assert.equal(history({ maxResults: 1000 }).events.length, 1000);
  });

  it('a token it did not give, or gave for the other order or another execution, is InvalidToken', async () => {
    const invalid = (e: unknown) => e instanceof ApiError && e.type === 'InvalidToken';
    for (const nextToken of ['nonsense', Buffer.from('h999999').toString('base64url')]) assert.throws(() => history({ nextToken }), invalid);
    const forward = history({ maxResults: 10 }).nextToken;
    const backward = history({ maxResults: 10, reverseOrder: true }).nextToken;
    assert.throws(() => history({ maxResults: 10, reverseOrder: true, nextToken: forward }), (e: unknown) => invalid(e) && /oldest first/.test((e as Error).message));
    assert.throws(() => history({ maxResults: 10, nextToken: backward }), (e: unknown) => invalid(e) && /newest first/.test((e as Error).message));
    const { stateMachineArn } = (await handlers.CreateStateMachine({ name: 'other', roleArn: 'arn:aws:iam::123456789012:role/r', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }) })) as { stateMachineArn: string };
    const other = ((await handlers.StartExecution({ stateMachineArn })) as { executionArn: string }).executionArn;
    await svc.executions.get(other)!.done;
    assert.throws(() => handlers.GetExecutionHistory({ executionArn: other, maxResults: 1, nextToken: forward }), invalid);
  });

  it('includeExecutionData: false leaves out input and output of the answer, not of the history', () => {
    const without = history({ maxResults: 2, includeExecutionData: false });
    assert.equal(without.events[0].type, 'ExecutionStarted');
    assert.equal((without.events[0].executionStartedEventDetails as Record<string, unknown>).input, undefined);
    const withData = history({ maxResults: 2 });
    assert.match(String((withData.events[0].executionStartedEventDetails as Record<string, unknown>).input), /"items":\[0,1,2/);
  });
});
