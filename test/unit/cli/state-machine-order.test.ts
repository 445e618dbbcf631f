/** `run` of a state machine prints history events and job events in the order they happened. */
import assert from 'node:assert/strict';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { historyLine, inTimeOrder, type TimedJobEvent } from '../../../src/cli/run/state-machine';

const h = (id: number, at: number | undefined, type = 'PassStateEntered'): HistoryEvent => ({ id, type: type as HistoryEvent['type'], timestamp: at === undefined ? undefined : new Date(at) });
const j = (at: number, status: string): TimedJobEvent => ({ at, event: { 'detail-type': 'Batch Job State Change', detail: { jobId: 'j1', status } } as TimedJobEvent['event'] });
const label = (x: HistoryEvent | TimedJobEvent) => ('event' in x ? `job ${x.event.detail.status}` : `history ${x.id}`);

describe('state machine run: progress in time order (unit)', () => {
  it('puts a job event after the state events before it and before the ones after it', () => {
    // A job of a parallel branch starts RUNNING (1050) between two states of the other branch (1000, 1100):
    // it arrived first, the history read after it brings both.
    const order = inTimeOrder([h(1, 1000), h(2, 1100), h(3, 1200)], [j(1050, 'RUNNING'), j(1150, 'SUCCEEDED')]).map(label);
    assert.deepEqual(order, ['history 1', 'job RUNNING', 'history 2', 'job SUCCEEDED', 'history 3']);
  });

  it('puts the job event first on a tie (its end fails its Task in the same millisecond), and keeps events without a timestamp after the one before them', () => {
    assert.deepEqual(inTimeOrder([h(1, 1000, 'TaskFailed'), h(2, 1000, 'TaskStateExited')], [j(1000, 'FAILED')]).map(label), ['job FAILED', 'history 1', 'history 2']);
    assert.deepEqual(inTimeOrder([h(1, 1000), h(2, undefined), h(3, 1300)], [j(1200, 'RUNNING')]).map(label), ['history 1', 'history 2', 'job RUNNING', 'history 3']);
  });

  it('keeps each list\'s own order when times are equal', () => {
    assert.deepEqual(inTimeOrder([h(1, 5), h(2, 5)], [j(9, 'RUNNING'), j(9, 'SUCCEEDED')]).map(label), ['history 1', 'history 2', 'job RUNNING', 'job SUCCEEDED']);
  });

  it('names the job of a failed Batch Task, and why it failed', () => {
    const cause = JSON.stringify({ JobName: 'process-spot', JobId: 'j-1', StatusReason: 'Essential container in task exited', Attempts: [{ Container: { ExitCode: 2 } }] });
    assert.equal(historyLine({ ...h(1, 0), type: 'TaskFailed', taskFailedEventDetails: { resourceType: 'batch', resource: 'submitJob.sync', error: 'States.TaskFailed', cause } }),
      '  task failed: States.TaskFailed (job process-spot (j-1): Essential container in task exited; exit code 2)');
    assert.equal(historyLine({ ...h(1, 0), type: 'TaskFailed', taskFailedEventDetails: { resourceType: 'sns', resource: 'publish', error: 'SNS.NotFoundException', cause: 'Topic does not exist' } }), '  task failed: SNS.NotFoundException');
    assert.equal(historyLine({ ...h(1, 0), type: 'TaskTimedOut', taskTimedOutEventDetails: { resourceType: 'batch', resource: 'submitJob.sync', error: 'States.Timeout' } }), '  task failed: States.Timeout');
  });
});
