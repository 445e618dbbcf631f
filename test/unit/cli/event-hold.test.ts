/** The events `run` holds until a job's id is known (src/cli/run/event-hold.ts). */
import assert from 'node:assert/strict';
import type { JobStateChangeDetail } from '../../../src/client/events';
import { EventHold } from '../../../src/cli/run/event-hold';

const ev = (jobId: string, status: string) => ({ jobId, status }) as JobStateChangeDetail;

describe('EventHold (unit)', () => {
  it('hands out a job\'s events (its array children\'s too) once its id is known, oldest first, and the rest at the end', () => {
    const hold = new EventHold();
    hold.push(ev('a', 'PENDING'), 1);
    hold.push(ev('b', 'RUNNABLE'), 2);
    hold.push(ev('a:0', 'RUNNABLE'), 3);
    hold.push(ev('ab', 'RUNNABLE'), 4);
    hold.push(ev('a', 'RUNNABLE'), 5);
    assert.deepEqual(hold.release('a').map(([d, at]) => [d.jobId, d.status, at]), [['a', 'PENDING', 1], ['a:0', 'RUNNABLE', 3], ['a', 'RUNNABLE', 5]]);
    assert.deepEqual(hold.release('a'), [], 'handed out once');
    assert.deepEqual(hold.releaseAll().map(([d]) => d.jobId), ['b', 'ab']);
    assert.deepEqual(hold.releaseAll(), []);
  });
});
