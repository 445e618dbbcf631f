/**
 * The quota-share decision (quotaScheduling.ts) on its own: a queue's state in, starts, preemptions
 * and blocked heads out. The fake clock gives "now" for how long victims have run.
 */
import assert from 'node:assert/strict';
import { decideQuotaShares, type QuotaJob, type QuotaQueueState, type ShareState } from '../../../../src/emulator/batch/core/quotaScheduling';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';

const T = 'ml.m5.large';
const clock = new FakeClock(1_000_000);

function share(name: string, limit: number, strategy: ShareState['strategy'], extra: Partial<ShareState> = {}): ShareState {
  return { name, limits: { [T]: limit }, strategy, inSharePreemption: false, ...extra };
}

let seq = 0;
function job(id: string, shareName: string, extra: Partial<QuotaJob> = {}): QuotaJob {
  return { id, share: shareName, instanceType: T, count: 1, priority: 0, createdAt: ++seq, ...extra };
}

function decide(s: Partial<Omit<QuotaQueueState, 'capacity'>> & { capacity: number }) {
  return decideQuotaShares({ shares: s.shares ?? [], capacity: { [T]: s.capacity }, inFlight: s.inFlight ?? [], runnable: s.runnable ?? [] }, clock);
}

const many = (prefix: string, shareName: string, n: number, extra: Partial<QuotaJob> = {}) => Array.from({ length: n }, (_, i) => job(`${prefix}${i + 1}`, shareName, extra));

describe('Quota-share scheduling decisions (unit, pure)', () => {
  it('a LEND_AND_BORROW share borrows what a LEND share leaves idle, up to the environment', () => {
    const d = decide({ capacity: 6, shares: [share('a', 4, 'LEND'), share('b', 2, 'LEND_AND_BORROW')], runnable: many('b', 'b', 7) });
    assert.deepEqual(d.start, ['b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
    assert.deepEqual(d.preempt, []);
  });

  it('RESERVE keeps its idle capacity: nobody borrows it', () => {
    const d = decide({ capacity: 6, shares: [share('a', 4, 'RESERVE'), share('b', 2, 'LEND_AND_BORROW')], runnable: many('b', 'b', 5) });
    assert.deepEqual(d.start, ['b1', 'b2']);
  });

  it('LEND lends but never borrows', () => {
    const d = decide({ capacity: 6, shares: [share('a', 2, 'LEND'), share('b', 4, 'LEND')], runnable: many('a', 'a', 4) });
    assert.deepEqual(d.start, ['a1', 'a2']);
  });

  it('borrowLimit caps borrowing as a percentage of the share’s own limit; -1 is unlimited', () => {
    const limited = decide({ capacity: 8, shares: [share('a', 6, 'LEND'), share('b', 2, 'LEND_AND_BORROW', { borrowLimit: 50 })], runnable: many('b', 'b', 6) });
    assert.deepEqual(limited.start, ['b1', 'b2', 'b3']);
    const unlimited = decide({ capacity: 8, shares: [share('a', 6, 'LEND'), share('b', 2, 'LEND_AND_BORROW', { borrowLimit: -1 })], runnable: many('b', 'b', 9) });
    assert.equal(unlimited.start.length, 8);
  });

  it('capacity no share’s limits cover is lendable too', () => {
    const d = decide({ capacity: 8, shares: [share('a', 2, 'RESERVE'), share('b', 2, 'LEND_AND_BORROW')], runnable: many('b', 'b', 8) });
    assert.deepEqual(d.start, ['b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
  });

  it('idle capacity goes to borrowers first in, first out, and jobs within their own limits go before any borrower', () => {
    const shares = [share('a', 2, 'LEND'), share('b', 1, 'LEND_AND_BORROW'), share('c', 1, 'LEND_AND_BORROW')];
    const inFlight = [job('b0', 'b'), job('c0', 'c'), job('a0', 'a')];
    const early = job('c1', 'c');
    const late = job('b1', 'b');
    assert.deepEqual(decide({ capacity: 4, shares, inFlight, runnable: [late, early] }).start, ['c1']);
    const own = job('a1', 'a');
    assert.deepEqual(decide({ capacity: 4, shares, inFlight, runnable: [early, own] }).start, ['a1']);
  });

  it('cross-share preemption takes back borrowed instances: lowest priority first, then the most recently scheduled, only as many as needed', () => {
    const shares = [share('a', 2, 'LEND'), share('b', 2, 'LEND_AND_BORROW')];
    const inFlight = [job('b1', 'b', { priority: 5, since: 10 }), job('b2', 'b', { priority: 1, since: 20 }), job('b3', 'b', { priority: 1, since: 30 }), job('b4', 'b', { priority: 5, since: 40 })];
    const one = decide({ capacity: 4, shares, inFlight, runnable: [job('a1', 'a')] });
    assert.deepEqual(one.start, []);
    assert.deepEqual(one.preempt, [{ victim: 'b3', victimShare: 'b', by: 'a1', byShare: 'a', kind: 'CROSS_SHARE' }]);
    const two = decide({ capacity: 4, shares, inFlight, runnable: [job('a2', 'a', { count: 2 })] });
    assert.deepEqual(two.preempt.map((p) => p.victim), ['b3', 'b2']);
  });

  it('never preempts jobs running within their own share’s limits, nor for a job that would itself borrow', () => {
    const shares = [share('a', 2, 'LEND_AND_BORROW'), share('b', 2, 'LEND')];
    const within = decide({ capacity: 3, shares, inFlight: [job('b1', 'b'), job('b2', 'b'), job('a0', 'a')], runnable: [job('a1', 'a')] });
    assert.deepEqual([within.start, within.preempt], [[], []]);
    const borrower = decide({ capacity: 4, shares: [share('a', 1, 'LEND_AND_BORROW'), share('b', 1, 'LEND_AND_BORROW'), share('c', 2, 'LEND')], inFlight: [job('a0', 'a'), job('b0', 'b'), job('b9', 'b'), job('c0', 'c')], runnable: [job('a1', 'a')] });
    assert.deepEqual(borrower.preempt, []);
  });

  it('a share above its lowered limits is preempted whatever its strategy', () => {
    const d = decide({ capacity: 3, shares: [share('a', 1, 'LEND'), share('b', 1, 'RESERVE')], inFlight: [job('b1', 'b', { since: 1 }), job('b2', 'b', { since: 2 }), job('b3', 'b', { since: 3 })], runnable: [job('a1', 'a')] });
    assert.deepEqual(d.preempt.map((p) => [p.victim, p.kind]), [['b3', 'CROSS_SHARE']]);
  });

  it('does not preempt again while enough instances are already being freed, nor when victims could not make room', () => {
    const shares = [share('a', 2, 'LEND'), share('b', 2, 'LEND_AND_BORROW')];
    const stopping = decide({ capacity: 4, shares, inFlight: [job('b1', 'b'), job('b2', 'b'), job('b3', 'b', { stopping: true }), job('b4', 'b')], runnable: [job('a1', 'a')] });
    assert.deepEqual([stopping.start, stopping.preempt], [[], []]);
    // c borrows one instance only (its second); stopping it could not give a1 the two it needs.
    const shares2 = [share('a', 3, 'LEND'), share('c', 1, 'LEND_AND_BORROW')];
    const tooBig = decide({ capacity: 3, shares: shares2, inFlight: [job('c1', 'c'), job('c2', 'c'), job('x', 'a')], runnable: [job('a1', 'a', { count: 2 })] });
    assert.deepEqual(tooBig.preempt, []);
    const fits = decide({ capacity: 3, shares: shares2, inFlight: [job('c1', 'c', { since: 1 }), job('c2', 'c', { since: 2 }), job('x', 'a')], runnable: [job('a1', 'a')] });
    assert.deepEqual(fits.preempt.map((p) => p.victim), ['c2']);
  });

  it('in-share preemption, when ENABLED, stops lower-priority jobs of the same share; DISABLED or equal priority waits', () => {
    const inFlight = [job('low', 'a', { priority: 1, since: 5 }), job('lower', 'a', { priority: 0, since: 1 })];
    const on = decide({ capacity: 4, shares: [share('a', 2, 'RESERVE', { inSharePreemption: true }), share('b', 2, 'RESERVE')], inFlight, runnable: [job('high', 'a', { priority: 9 })] });
    assert.deepEqual(on.preempt, [{ victim: 'lower', victimShare: 'a', by: 'high', byShare: 'a', kind: 'IN_SHARE' }]);
    const off = decide({ capacity: 4, shares: [share('a', 2, 'RESERVE'), share('b', 2, 'RESERVE')], inFlight, runnable: [job('high', 'a', { priority: 9 })] });
    assert.deepEqual([off.start, off.preempt], [[], []]);
    const equal = decide({ capacity: 4, shares: [share('a', 2, 'RESERVE', { inSharePreemption: true }), share('b', 2, 'RESERVE')], inFlight, runnable: [job('same', 'a', { priority: 0 })] });
    assert.deepEqual(equal.preempt, []);
  });

  it('in-share preemption comes after borrowing: a share that can borrow idle capacity does not stop its own jobs', () => {
    const d = decide({ capacity: 4, shares: [share('a', 1, 'LEND_AND_BORROW', { inSharePreemption: true }), share('b', 3, 'LEND')], inFlight: [job('low', 'a')], runnable: [job('high', 'a', { priority: 9 })] });
    assert.deepEqual([d.start, d.preempt], [['high'], []]);
  });

  it('a head that can never run blocks its own share only, with the misconfiguration reason', () => {
    const d = decide({
      capacity: 4,
      shares: [share('a', 2, 'RESERVE'), share('b', 2, 'LEND_AND_BORROW', { borrowLimit: 100 }), share('c', 1, 'RESERVE')],
      runnable: [job('huge', 'b', { count: 5 }), job('b2', 'b'), job('wide', 'a', { count: 3 }), job('c1', 'c')],
    });
    assert.deepEqual(d.blocked, [
      { jobId: 'huge', share: 'b', reason: 'SERVICE_ENVIRONMENT_MAX_RESOURCE' },
      { jobId: 'wide', share: 'a', reason: 'QUOTA_MANAGEMENT_LIMIT_EXCEEDED' },
    ]);
    assert.deepEqual(d.start, ['c1']);
  });

  it('within a share, higher schedulingPriority goes first', () => {
    const d = decide({ capacity: 2, shares: [share('a', 1, 'RESERVE'), share('b', 1, 'RESERVE')], runnable: [job('first', 'a'), job('urgent', 'a', { priority: 7 })] });
    assert.deepEqual(d.start, ['urgent']);
  });
});
