/**
 * An ended execution's history outlives the server: a StatesService on the file journal (a real
 * temporary state folder) runs executions to their ends, and a second service restored from the
 * same folder answers GetExecutionHistory with the same events, read back only when first asked
 * for. An execution that had not ended is replayed and writes its history anew; a history file
 * that is missing or torn answers an empty history instead of failing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { statesHandlers } from '../../../../src/emulator/states/api/handlers';
import { StatesService } from '../../../../src/emulator/states/service';
import { fileJournal, type StatesJournal } from '../../../../src/emulator/states/store';

const ROLE = 'arn:aws:iam::123456789012:role/r';
const PASSES = { StartAt: 'A', States: { A: { Type: 'Pass', Result: { n: 1 }, Next: 'B' }, B: { Type: 'Pass', End: true } } };
const FAILS = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Broken', Cause: 'on purpose' } } };
const WAITS = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } };

type Page = { events: Array<Record<string, unknown>>; nextToken?: string };

describe('Step Functions histories across a restart (file journal)', () => {
  let dir: string;
  let clock: FakeClock;
  const service = (journal: StatesJournal) => new StatesService({ clock, account: '123456789012', region: 'us-east-1', journal, runTask: () => Promise.reject(new Error('no tasks here')) });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-sfn-history-'));
    clock = new FakeClock();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function runToEnd(definition: object, name: string): Promise<{ svc: StatesService; arns: string[] }> {
    const svc = service(fileJournal(dir));
    const api = statesHandlers(svc);
    const { stateMachineArn } = (await api.CreateStateMachine({ name, roleArn: ROLE, definition: JSON.stringify(definition) })) as { stateMachineArn: string };
    const arns: string[] = [];
    for (const input of ['{"x":1}', '{"x":2}']) {
      const { executionArn } = (await api.StartExecution({ stateMachineArn, input })) as { executionArn: string };
      await svc.executions.get(executionArn)!.done;
      arns.push(executionArn);
    }
    svc.close();
    return { svc, arns };
  }

  for (const [what, definition] of [['succeeded', PASSES], ['failed', FAILS]] as const) {
    it(`answers a ${what} execution's whole history after a restart, read when first asked for`, async () => {
      const { svc: before, arns } = await runToEnd(definition, what);
      const after = service(fileJournal(dir));
      after.restore();
      for (const arn of arns) {
        const rec = after.executions.get(arn)!;
        assert.equal(rec.status, what === 'succeeded' ? 'SUCCEEDED' : 'FAILED');
        assert.equal(rec.history.length, 0, 'not read at restore');
        const page = statesHandlers(after).GetExecutionHistory({ executionArn: arn, maxResults: 1000 }) as Page;
        const expected = statesHandlers(before).GetExecutionHistory({ executionArn: arn, maxResults: 1000 }) as Page;
        assert.ok(expected.events.length >= 3, `a real history (${expected.events.length} events)`);
        assert.deepEqual(page, expected);
      }
      // Each execution has its own file: the two inputs show in their own histories.
      const inputs = arns.map((arn) => (statesHandlers(after).GetExecutionHistory({ executionArn: arn }) as Page).events[0].executionStartedEventDetails);
      assert.deepEqual(inputs.map((d) => (d as { input: string }).input), ['{"x":1}', '{"x":2}']);
    });
  }

  it('replays an execution that had not ended; its history is written anew, and kept once it ends', async () => {
    const svc = service(fileJournal(dir));
    const api = statesHandlers(svc);
    const { stateMachineArn } = (await api.CreateStateMachine({ name: 'waits', roleArn: ROLE, definition: JSON.stringify(WAITS) })) as { stateMachineArn: string };
    const { executionArn } = (await api.StartExecution({ stateMachineArn, input: '{}' })) as { executionArn: string };
    await new Promise((r) => setImmediate(r));
    svc.close();
    assert.deepEqual(readdirSync(dir).filter((f) => f === 'states-history'), [], 'no history is kept for a running execution');

    const again = service(fileJournal(dir));
    again.restore();
    const rec = again.executions.get(executionArn)!;
    assert.equal(rec.status, 'RUNNING');
    await clock.advance(3_600_000);
    await rec.done;
    again.close();
    const types = (statesHandlers(again).GetExecutionHistory({ executionArn }) as Page).events.map((e) => e.type);
    assert.deepEqual(types.slice(0, 2), ['ExecutionStarted', 'WaitStateEntered']);

    const third = service(fileJournal(dir));
    third.restore();
    assert.deepEqual((statesHandlers(third).GetExecutionHistory({ executionArn }) as Page).events.map((e) => e.type), types);
    assert.equal(types.at(-1), 'ExecutionSucceeded');
  });

  it('ends an execution whose history cannot be written (reported, kept in memory), and keeps no EXPRESS history', async () => {
    const file = fileJournal(dir);
    const lines: string[] = [];
    const failing: StatesJournal = { ...file, saveHistory: () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })) };
    const svc = new StatesService({ clock, account: '123456789012', region: 'us-east-1', journal: failing, runTask: () => Promise.reject(new Error('no tasks here')), log: (l) => lines.push(l) });
    const api = statesHandlers(svc);
    const { stateMachineArn } = (await api.CreateStateMachine({ name: 'full', roleArn: ROLE, definition: JSON.stringify(PASSES) })) as { stateMachineArn: string };
    const { executionArn } = (await api.StartExecution({ stateMachineArn, input: '{}' })) as { executionArn: string };
    assert.equal((await svc.executions.get(executionArn)!.done)?.status, 'SUCCEEDED');
    assert.equal(svc.executions.get(executionArn)!.status, 'SUCCEEDED');
    assert.match(lines.join('\n'), /history of .* could not be saved \(ENOSPC/);
    assert.ok((statesHandlers(svc).GetExecutionHistory({ executionArn }) as Page).events.length >= 3, 'still answered from memory');
    const after = service(fileJournal(dir));
    after.restore();
    assert.equal(after.executions.get(executionArn)!.status, 'SUCCEEDED', 'its end was journaled');

    const express = (await api.CreateStateMachine({ name: 'quick', roleArn: ROLE, type: 'EXPRESS', definition: JSON.stringify(PASSES) })) as { stateMachineArn: string };
    const saved: string[] = [];
    const counting = new StatesService({ clock, account: '123456789012', region: 'us-east-1', journal: { ...file, saveHistory: async (arn) => void saved.push(arn) }, runTask: () => Promise.reject(new Error('no tasks here')) });
    counting.machines.set(express.stateMachineArn, svc.machines.get(express.stateMachineArn)!);
    await counting.start(svc.machines.get(express.stateMachineArn)!, undefined, '{}').done;
    assert.deepEqual(saved, []);
  });

  it('answers an empty history when the saved one is missing or torn, without failing', async () => {
    const { arns } = await runToEnd(PASSES, 'torn');
    const files = readdirSync(path.join(dir, 'states-history'));
    assert.equal(files.length, 2);
    assert.equal(statSync(path.join(dir, 'states-history')).mode & 0o777, 0o700, 'the histories folder is private');
    assert.equal(statSync(path.join(dir, 'states-history', files[0])).mode & 0o777, 0o600);
    for (const f of files) writeFileSync(path.join(dir, 'states-history', f), '{"executionArn":"x","ev');
    const after = service(fileJournal(dir));
    after.restore();
    for (const arn of arns) {
      assert.equal(after.executions.get(arn)!.status, 'SUCCEEDED');
      assert.deepEqual((statesHandlers(after).GetExecutionHistory({ executionArn: arn }) as Page).events, []);
    }
  });
});
