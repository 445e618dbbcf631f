/**
 * Following a running execution's history (src/client/sfn-history.ts) through @aws-sdk/client-sfn
 * against the served emulator: after the first read, each read fetches only the events added since
 * (newest first, over several pages when more than 1,000 arrived), and the reads join up to the
 * whole history, in order, with no event missing or read twice.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { HistoryFollower, readHistory, readHistoryAfter } from '../../../src/client/sfn-history';
import { LocalService } from '../../../src/emulator/service';

const ROLE = 'arn:aws:iam::123456789012:role/sfn';
/** A pause, a Map of 600 Pass items (2,400+ events at once), another pause. */
const DEFINITION = {
  StartAt: 'First',
  States: {
    First: { Type: 'Wait', Seconds: 1, Next: 'Fan' },
    Fan: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, ResultPath: null, Next: 'Last' },
    Last: { Type: 'Wait', Seconds: 1, End: true },
  },
};

describe('Following an execution\'s history: only new events are read (client-sfn, served emulator)', function () {
  this.timeout(120_000);
  let dir: string;
  let service: LocalService;
  let sfn: SFNClient;
  /** Events the emulator answered to GetExecutionHistory, over every call. */
  let fetched = 0;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-sfn-follow-'));
    service = await LocalService.start({ stateDir: path.join(dir, '.localbatch'), workspaceRoot: dir, log: () => undefined });
    sfn = new SFNClient({ endpoint: service.endpoint.url, region: service.endpoint.region, credentials: service.endpoint.credentials, maxAttempts: 1 });
    sfn.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'GetExecutionHistoryCommand') fetched += ((result.output as { events?: unknown[] }).events ?? []).length;
        return result;
      },
      { step: 'initialize' },
    );
  });
  after(async () => {
    sfn?.destroy();
    await service?.close({ terminateAll: true, graceMs: 1000 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads each event once while the execution runs, and the reads join up to its whole history', async () => {
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'follow', roleArn: ROLE, definition: JSON.stringify(DEFINITION) }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ items: Array.from({ length: 600 }, (_, i) => i) }) }));
    const follower = new HistoryFollower(sfn, executionArn!);
    // A second follower reads at the start and once more at the end: all of the Map's events at once.
    const late = new HistoryFollower(sfn, executionArn!);
    const lateFirst = (await late.read()).length;
    const beforeFollower = fetched;
    const perRead: number[] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const running = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'RUNNING';
      perRead.push((await follower.read()).length);
      if (!running) break;
      assert.ok(Date.now() < deadline, 'the execution did not end');
      await new Promise((r) => setTimeout(r, 150));
    }
    const byFollower = fetched - beforeFollower;
    const whole = await readHistory(sfn, executionArn!);
    assert.ok(whole.length > 2400, `a history of ${whole.length} events`);
    assert.deepEqual(follower.events.map((e) => e.id), whole.map((e) => e.id), 'the reads join up to the whole history, in order, each event once');
    assert.equal(whole.at(-1)?.type, 'ExecutionSucceeded');
    assert.ok(perRead.length >= 3 && perRead[0] < whole.length, `read while it ran: ${perRead.join(', ')}`);
    assert.ok(byFollower < whole.length * 3, `${byFollower} events fetched over ${perRead.length} reads of a ${whole.length}-event history`);

    // With nothing running, what a read fetches is exact: the first page of 100, then (when more are
    // new) the new events and the last one seen, in equal pages of at most 1,000.
    const fetching = async (n: () => Promise<unknown>) => {
      const before = fetched;
      await n();
      return fetched - before;
    };
    assert.ok(lateFirst < 10, `the second follower's first read: ${lateFirst} events`);
    let lateNew: unknown[] = [];
    const lateFetched = await fetching(async () => (lateNew = await late.read()));
    assert.equal(lateNew.length, whole.length - lateFirst);
    assert.equal(lateFetched, 100 + lateNew.length + 1, 'over several pages of 1,000: each new event once, the first page again');
    assert.deepEqual(late.events.map((e) => e.id), whole.map((e) => e.id));
    const last = whole.at(-1)!.id!;
    assert.equal(await fetching(() => late.read()), 100, 'nothing new: one page');
    let tail: Array<{ id?: number }> = [];
    assert.equal(await fetching(async () => (tail = await readHistoryAfter(sfn, executionArn!, last - 40))), 100);
    assert.deepEqual(tail.map((e) => e.id), whole.slice(-40).map((e) => e.id));
    assert.equal(await fetching(async () => (tail = await readHistoryAfter(sfn, executionArn!, last - 150))), 100 + 151);
    assert.deepEqual(tail.map((e) => e.id), whole.slice(-150).map((e) => e.id));
    assert.deepEqual(await readHistoryAfter(sfn, executionArn!, last), []);
  });
});
