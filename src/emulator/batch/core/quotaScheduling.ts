/**
 * Quota management (a SAGEMAKER_TRAINING queue whose scheduling policy has `quotaSharePolicy`):
 * which RUNNABLE service jobs start and which in-flight ones are preempted, decided from the queue's
 * state alone (no Docker, no timers), so the rules are unit-tested on the fake clock.
 *
 * Documented by AWS (User Guide: quota-shares, preemption, sm_job_stuck_in_runnable_misconfiguration;
 * API: QuotaShareResourceSharingConfiguration, QuotaSharePolicy):
 * - each quota share is a virtual queue with capacity limits per instance type, used without borrowing;
 * - RESERVE keeps its idle capacity, LEND lends it, LEND_AND_BORROW lends and borrows, at most
 *   `borrowLimit` percent of its own limit per instance type (-1 or absent: unlimited);
 * - idle capacity goes to borrowing shares first in, first out (`idleResourceAssignmentStrategy: FIFO`);
 * - cross-share preemption (always on) gives a share back what others borrowed when its jobs arrive;
 *   a share above its (lowered) limits counts as borrowing, whatever its strategy;
 * - in-share preemption (opt-in) lets a higher-priority RUNNABLE job stop lower-priority jobs of the
 *   same share (SCHEDULED, STARTING or RUNNING);
 * - a job needing more of an instance type than the service environment has blocks with
 *   SERVICE_ENVIRONMENT_MAX_RESOURCE, more than its share can ever hold with QUOTA_MANAGEMENT_LIMIT_EXCEEDED.
 *
 * localbatch's choices (AWS applies "a custom heuristic" it does not publish):
 * - within a share jobs go by schedulingPriority (higher first), then submission; a share's head that
 *   cannot start holds the share (first in, first out within the share), not the other shares;
 * - jobs that fit in their own share's limits start before any borrowing; capacity nobody's limits
 *   cover (the environment's maximum minus the sum of the shares' limits) is lendable too;
 * - a job borrows only idle capacity; preemption is only for a job that fits in its own share's limits
 *   (cross-share) or when in-share preemption is on and borrowing cannot place it;
 * - victims: only as many as needed, none if they could not make room; the lowest schedulingPriority
 *   first, then the most recently scheduled (the least work lost), then the fewest instances, then the
 *   most recently submitted;
 * - jobs already being stopped still hold their instances; what they will free counts before anyone
 *   else is preempted.
 */
import type { Clock } from './ports';

export type SharingStrategy = 'RESERVE' | 'LEND' | 'LEND_AND_BORROW';

export interface ShareState {
  readonly name: string;
  /** maxCapacity per instance type (the share's capacityLimits). */
  readonly limits: Readonly<Record<string, number>>;
  readonly strategy: SharingStrategy;
  /** Percent of its limits it may borrow (LEND_AND_BORROW); -1 or absent: unlimited. */
  readonly borrowLimit?: number;
  readonly inSharePreemption: boolean;
}

export interface QuotaJob {
  readonly id: string;
  readonly share: string;
  readonly instanceType: string;
  readonly count: number;
  readonly priority: number;
  readonly createdAt: number;
  /** In flight: when its attempt was scheduled. */
  readonly since?: number;
  /** In flight: the order its attempt was scheduled in (ties of `since`). */
  readonly order?: number;
  /** In flight and already being stopped: it still holds its instances until it ends. */
  readonly stopping?: boolean;
}

export interface QuotaQueueState {
  readonly shares: readonly ShareState[];
  /** The service environments' maxCapacity per instance type. */
  readonly capacity: Readonly<Record<string, number>>;
  /** SCHEDULED, STARTING and RUNNING jobs. */
  readonly inFlight: readonly QuotaJob[];
  readonly runnable: readonly QuotaJob[];
}

export type PreemptionKind = 'CROSS_SHARE' | 'IN_SHARE';

export interface Preemption {
  readonly victim: string;
  readonly victimShare: string;
  readonly by: string;
  readonly byShare: string;
  readonly kind: PreemptionKind;
}

export type BlockReason = 'SERVICE_ENVIRONMENT_MAX_RESOURCE' | 'QUOTA_MANAGEMENT_LIMIT_EXCEEDED';

export interface QuotaDecision {
  /** Jobs to schedule now, in order. */
  readonly start: string[];
  readonly preempt: Preemption[];
  /** Share heads that can never run as configured. */
  readonly blocked: Array<{ readonly jobId: string; readonly share: string; readonly reason: BlockReason }>;
}

/** The order within a share: schedulingPriority (higher first), then submission. */
export function shareOrder(a: QuotaJob, b: QuotaJob): number {
  return b.priority - a.priority || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const NO_SHARE = (name: string): ShareState => ({ name, limits: {}, strategy: 'RESERVE', inSharePreemption: false });

export function decideQuotaShares(state: QuotaQueueState, clock: Pick<Clock, 'now'>): QuotaDecision {
  const now = clock.now();
  const shares = new Map(state.shares.map((s) => [s.name, s]));
  const shareOf = (name: string) => shares.get(name) ?? NO_SHARE(name);
  const limit = (s: ShareState, type: string) => s.limits[type] ?? 0;
  const cap = (type: string) => state.capacity[type] ?? 0;
  const key = (share: string, type: string) => `${share}\u0000${type}`;
  const use = new Map<string, number>();
  const total = new Map<string, number>();
  const freeing = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  const live: QuotaJob[] = [];
  for (const j of state.inFlight) {
    add(use, key(j.share, j.instanceType), j.count);
    add(total, j.instanceType, j.count);
    if (j.stopping) add(freeing, j.instanceType, j.count);
    else live.push(j);
  }
  const used = (s: string, type: string) => use.get(key(s, type)) ?? 0;
  const borrowCap = (s: ShareState, type: string) => {
    if (s.strategy !== 'LEND_AND_BORROW') return 0;
    return s.borrowLimit === undefined || s.borrowLimit < 0 ? Infinity : Math.floor((limit(s, type) * s.borrowLimit) / 100);
  };
  /** Borrowed instances of a type never exceed the idle capacity lenders (and nobody's limits) leave. */
  const lendingHolds = (type: string) => {
    let lendable = Math.max(0, cap(type) - state.shares.reduce((n, s) => n + limit(s, type), 0));
    let borrowed = 0;
    for (const s of state.shares) {
      const over = used(s.name, type) - limit(s, type);
      if (over > 0) borrowed += over;
      else if (s.strategy !== 'RESERVE') lendable -= over;
    }
    return borrowed <= lendable;
  };
  const canBorrow = (j: QuotaJob) => {
    const s = shareOf(j.share);
    if (used(s.name, j.instanceType) + j.count - limit(s, j.instanceType) > borrowCap(s, j.instanceType)) return false;
    if ((total.get(j.instanceType) ?? 0) + j.count > cap(j.instanceType)) return false;
    add(use, key(s.name, j.instanceType), j.count);
    const ok = lendingHolds(j.instanceType);
    add(use, key(s.name, j.instanceType), -j.count);
    return ok;
  };

  const decision: QuotaDecision = { start: [], preempt: [], blocked: [] };
  const queues = new Map<string, QuotaJob[]>();
  for (const j of state.runnable) (queues.get(j.share) ?? queues.set(j.share, []).get(j.share)!).push(j);
  for (const q of queues.values()) q.sort(shareOrder);
  const held = new Set<string>();

  const start = (j: QuotaJob) => {
    add(use, key(j.share, j.instanceType), j.count);
    add(total, j.instanceType, j.count);
    decision.start.push(j.id);
    queues.get(j.share)!.shift();
  };
  const victimOrder = (a: QuotaJob, b: QuotaJob) => a.priority - b.priority || (b.since ?? now) - (a.since ?? now) || (b.order ?? 0) - (a.order ?? 0) || a.count - b.count || b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1);
  const preempt = (j: QuotaJob, victims: QuotaJob[], kind: PreemptionKind) => {
    for (const v of victims) {
      live.splice(live.indexOf(v), 1);
      add(freeing, v.instanceType, v.count);
      decision.preempt.push({ victim: v.id, victimShare: v.share, by: j.id, byShare: j.share, kind });
    }
  };
  /** Instances still missing for `j` after what is already being freed. */
  const missing = (j: QuotaJob) => (total.get(j.instanceType) ?? 0) - (freeing.get(j.instanceType) ?? 0) + j.count - cap(j.instanceType);

  /** Cross-share: take back instances other shares borrow. */
  const reclaim = (j: QuotaJob): boolean => {
    const need = missing(j);
    if (need <= 0) return true; // enough is already being freed: wait for it
    const over = new Map<string, number>();
    const chosen: QuotaJob[] = [];
    let freed = 0;
    for (const v of live.filter((x) => x.instanceType === j.instanceType && x.share !== j.share).sort(victimOrder)) {
      const s = shareOf(v.share);
      const o = over.get(s.name) ?? used(s.name, v.instanceType) - limit(s, v.instanceType);
      if (o <= 0) continue;
      over.set(s.name, o - v.count);
      chosen.push(v);
      freed += v.count;
      if (freed >= need) break;
    }
    if (freed < need) return false;
    preempt(j, chosen, 'CROSS_SHARE');
    return true;
  };

  /** In-share: stop lower-priority jobs of the same share until `j` fits its limit and the environment. */
  const displace = (j: QuotaJob): boolean => {
    const s = shareOf(j.share);
    const stoppingHere = state.inFlight.filter((x) => x.stopping && x.share === s.name && x.instanceType === j.instanceType).reduce((n, x) => n + x.count, 0);
    const needQuota = used(s.name, j.instanceType) - stoppingHere + j.count - limit(s, j.instanceType);
    const needRoom = missing(j);
    if (needQuota <= 0 && needRoom <= 0) return true;
    const chosen: QuotaJob[] = [];
    let freed = 0;
    for (const v of live.filter((x) => x.share === s.name && x.instanceType === j.instanceType && x.priority < j.priority).sort(victimOrder)) {
      if (freed >= needQuota && freed >= needRoom) break;
      chosen.push(v);
      freed += v.count;
    }
    if (freed < needQuota || freed < needRoom) return false;
    preempt(j, chosen, 'IN_SHARE');
    return true;
  };

  type Verdict = 'started' | 'borrow' | 'held';
  const consider = (j: QuotaJob): Verdict => {
    const s = shareOf(j.share);
    const type = j.instanceType;
    if (j.count > cap(type)) return block(j, 'SERVICE_ENVIRONMENT_MAX_RESOURCE');
    if (j.count > limit(s, type) + borrowCap(s, type)) return block(j, 'QUOTA_MANAGEMENT_LIMIT_EXCEEDED');
    const within = used(s.name, type) + j.count <= limit(s, type);
    const room = (total.get(type) ?? 0) + j.count <= cap(type);
    if (within && room) {
      start(j);
      return 'started';
    }
    if (within) {
      reclaim(j);
      return 'held';
    }
    if (canBorrow(j)) return 'borrow';
    if (s.inSharePreemption) displace(j);
    return 'held';
  };
  const block = (j: QuotaJob, reason: BlockReason): Verdict => {
    decision.blocked.push({ jobId: j.id, share: j.share, reason });
    return 'held';
  };

  for (;;) {
    let progress = false;
    const borrowers: QuotaJob[] = [];
    const heads = [...queues.entries()].filter(([name, q]) => q.length > 0 && !held.has(name)).map(([, q]) => q[0]);
    heads.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    for (const j of heads) {
      const v = consider(j);
      if (v === 'started') progress = true;
      else if (v === 'borrow') borrowers.push(j);
      else held.add(j.share);
    }
    if (progress) continue;
    for (const j of borrowers) {
      if (!progress && canBorrow(j)) {
        start(j);
        progress = true;
      } else if (!progress) held.add(j.share);
    }
    if (!progress) return decision;
  }
}
