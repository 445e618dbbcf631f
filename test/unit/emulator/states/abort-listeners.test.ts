/**
 * The interpreter's stop signals do not gather listeners: a long run of Task states leaves none
 * behind on the execution's signal (each task listened on it until it ended), and a Map running 60
 * tasks at once, each listening on its own signal as a `.sync` Batch task does, raises no
 * MaxListenersExceededWarning (node prints that to the server's log). Fake clock (FakeClock) and
 * a fake task runner (a function here).
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { Execution } from '../../../../src/emulator/states/core/interpreter';
import type { StateMachineDef, TaskInvocation } from '../../../../src/emulator/states/core/types';

const identity = {
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:ex1',
  name: 'ex1',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm',
  stateMachineName: 'sm',
  roleArn: 'arn:aws:iam::123456789012:role/r',
  startTime: '2026-01-01T00:00:00.000Z',
};
const RESOURCE = 'arn:aws:states:::batch:submitJob.sync';

describe('Step Functions stop signals', () => {
  it('40 Task states in a row leave no listeners on the execution signal', async () => {
    const n = 40;
    const def: StateMachineDef = { StartAt: 'T0', States: Object.fromEntries(Array.from({ length: n }, (_, i) => [`T${i}`, { Type: 'Task', Resource: RESOURCE, ...(i === n - 1 ? { End: true } : { Next: `T${i + 1}` }) }])) } as StateMachineDef;
    const seen: number[] = [];
    let ex: Execution | undefined = undefined;
    const runTask = async () => {
      seen.push(getEventListeners(ex!.signal, 'abort').length);
      return {};
    };
    ex = new Execution(def, {}, identity, { clock: new FakeClock(), runTask, emit: () => 0, random: () => 0.5 });
    const outcome = await ex.run();
    assert.equal(outcome.status, 'SUCCEEDED');
    assert.equal(seen.length, n);
    // While a task runs, its own controller listens on the execution's signal; nothing stays after.
    assert.ok(Math.max(...seen) <= 2, `listeners on the execution signal while tasks ran: ${seen.join(',')}`);
    assert.equal(getEventListeners(ex.signal, 'abort').length, 0);
  });

  it('a Map of 60 tasks running at once raises no MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const clock = new FakeClock();
      const def: StateMachineDef = { StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'J', States: { J: { Type: 'Task', Resource: RESOURCE, End: true } } }, End: true } } } as StateMachineDef;
      let running = 0;
      let most = 0;
      const runTask = (inv: TaskInvocation) =>
        new Promise<unknown>((resolve) => {
          running++;
          most = Math.max(most, running);
          const onAbort = () => resolve({});
          inv.signal.addEventListener('abort', onAbort, { once: true });
          clock.setTimer(1000, () => {
            running--;
            inv.signal.removeEventListener('abort', onAbort);
            resolve({ ok: true });
          });
        });
      const ex = new Execution(def, { items: Array.from({ length: 60 }, (_, i) => i) }, identity, { clock, runTask, emit: () => 0, random: () => 0.5 });
      const done = ex.run();
      await clock.runAll();
      assert.equal((await done).status, 'SUCCEEDED');
      assert.equal(most, 60, 'the tasks ran at once');
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
