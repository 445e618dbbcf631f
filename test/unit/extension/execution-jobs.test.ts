import assert from 'node:assert/strict';
import type { ExecutionListItem } from '@aws-sdk/client-sfn';
import { ExecutionJobs } from '../../../src/extension/stepfunctions/executionJobs';
import type { HistoryEventLike } from '../../../src/model/asl-live';

let nextId = 1;
const submitted = (jobId: string): HistoryEventLike => ({ id: nextId++, type: 'TaskSubmitted', taskSubmittedEventDetails: { resourceType: 'batch', output: JSON.stringify({ JobId: jobId }) } }) as HistoryEventLike;
const execution = (name: string, status: string): ExecutionListItem => ({ executionArn: `arn:aws:states:us-east-1:1:execution:flow:${name}`, stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:flow', name, status: status as ExecutionListItem['status'], startDate: new Date(0) });

describe('Local view: which execution submitted which Batch job (unit, a fake history reader)', () => {
  it('reads an ended execution\'s history once, a running one\'s new events again after a second; the version moves only when an owner changes', async () => {
    const histories = new Map<string, HistoryEventLike[]>([['done', [submitted('j1'), submitted('j2')]], ['live', [submitted('j3')]]]);
    const reads: string[] = [];
    /** The event id each read asked to read after. */
    const after: number[] = [];
    const read = async (arn: string, afterId: number) => {
      const name = arn.split(':').at(-1)!;
      reads.push(name);
      after.push(afterId);
      return (histories.get(name) ?? []).filter((e) => e.id! > afterId);
    };
    const jobs = new ExecutionJobs();
    const list = [execution('done', 'SUCCEEDED'), execution('live', 'RUNNING')];
    await jobs.update(read, list, 1000);
    assert.deepEqual(reads.sort(), ['done', 'live']);
    assert.equal(jobs.ownerOf('j1')?.name, 'flow: done (Step Functions)');
    assert.equal(jobs.ownerOf('j3')?.id, list[1].executionArn);
    assert.equal(jobs.ownerOf('other'), undefined);
    const v1 = jobs.version;
    assert.ok(v1 > 0);

    // Half a second on: nothing is read again; the running one's new job waits.
    histories.get('live')!.push(submitted('j4'));
    await jobs.update(read, list, 1500);
    assert.equal(reads.length, 2);
    assert.equal(jobs.ownerOf('j4'), undefined);
    assert.equal(jobs.version, v1);

    // A second on: only the running one is read again, from after its last event read; its first job stays.
    assert.deepEqual(after, [0, 0]);
    await jobs.update(read, list, 2100);
    assert.deepEqual(reads.slice(2), ['live']);
    assert.deepEqual(after.slice(2), [histories.get('live')![0].id]);
    assert.equal(jobs.ownerOf('j4')?.name, 'flow: live (Step Functions)');
    assert.equal(jobs.ownerOf('j3')?.name, 'flow: live (Step Functions)');
    assert.equal(jobs.version, v1 + 1);

    // Read again with nothing new: the version stays.
    await jobs.update(read, list, 3200);
    assert.equal(jobs.version, v1 + 1);

    // Ended since its last read: read once more at once (its last jobs), its owner now says how it ended.
    histories.get('live')!.push(submitted('j5'));
    const ended = [list[0], { ...list[1], status: 'FAILED' as const }];
    const readsBefore = reads.length;
    await jobs.update(read, ended, 3300);
    assert.deepEqual(reads.slice(readsBefore), ['live'], 'read once more although within the re-read bound');
    assert.equal(jobs.ownerOf('j5')?.ended, 'FAILED');
    assert.equal(jobs.ownerOf('j1')?.ended, 'SUCCEEDED');
    assert.equal(jobs.version, v1 + 2);
    const readsNow = reads.length;
    await jobs.update(read, ended, 9000);
    assert.equal(reads.length, readsNow, 'ended: never read again');

    // Redriven (RedriveExecution): its history goes on, with the redrive's job; read from its last event read.
    histories.get('live')!.push(submitted('j6'));
    const redriven = [list[0], { ...list[1], status: 'RUNNING' as const, redriveCount: 1 }];
    await jobs.update(read, redriven, 9100);
    assert.deepEqual(reads.slice(readsNow), ['live'], 'a redriven execution is read again');
    assert.equal(after.at(-1), histories.get('live')!.at(-2)!.id);
    assert.equal(jobs.ownerOf('j6')?.name, 'flow: live (Step Functions)');
    assert.equal(jobs.ownerOf('j6')?.ended, undefined, 'running again');

    // An execution no longer listed is forgotten with its jobs; a failed read is tried next time.
    const failing = async () => {
      throw new Error('unreachable');
    };
    await jobs.update(failing, [execution('other', 'SUCCEEDED')], 5000);
    assert.equal(jobs.ownerOf('j1'), undefined);
    await jobs.update(read, [execution('done', 'SUCCEEDED')], 6000);
    assert.equal(jobs.ownerOf('j2')?.name, 'flow: done (Step Functions)');
  });

  it('drops a read that was under way when the emulator changed (clear): its events and ids may be another emulator\'s', async () => {
    const jobs = new ExecutionJobs();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = async () => {
      await gate;
      return [submitted('stale')];
    };
    const pending = jobs.update(slow, [execution('live', 'RUNNING')], 1000);
    jobs.clear();
    const version = jobs.version;
    release();
    await pending;
    assert.equal(jobs.ownerOf('stale'), undefined);
    assert.equal(jobs.version, version);
    // The next look reads the execution whole again (from after event 0).
    const after: number[] = [];
    await jobs.update(async (_arn, afterId) => (after.push(afterId), [submitted('fresh')]), [execution('live', 'RUNNING')], 5000);
    assert.deepEqual(after, [0]);
    assert.equal(jobs.ownerOf('fresh')?.name, 'flow: live (Step Functions)');
  });
});
