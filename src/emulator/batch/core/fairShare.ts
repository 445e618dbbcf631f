/**
 * Fair-share scheduling on queues with a scheduling policy (AWS user guide, "Use fair-share
 * scheduling to help schedule jobs"):
 * - usage of a share identifier is the vCPUs its jobs hold now plus, with a share decay window, the
 *   vCPU-seconds its jobs used during the last `shareDecaySeconds`, divided by the window (so both
 *   terms are in vCPUs). A window of 0 measures only current usage (the guide's wording; the API
 *   reference says 0 means a 600 s window: the guide wins);
 * - the next job comes from the share with the lowest usage × weightFactor (default 1, lower gets
 *   more: weight 0.125 gets eight times the compute of weight 1), the oldest head breaking ties;
 *   within a share, highest schedulingPriority first, then first come first served;
 * - computeReservation keeps (computeReservation/100)^activeShares of the queue's maximum vCPUs
 *   free for share identifiers that are not active yet; a share is active while it has jobs that
 *   have not finished, or finished within the decay window.
 */
import type { FairsharePolicy } from '@aws-sdk/client-batch';
import { invalid } from './errors';
import { needOf } from './placement';
import type { JobRecord } from './jobs';
import type { QueueRecord } from './queues';

interface UsageEntry {
  readonly job: JobRecord;
  readonly run: unknown;
  readonly vcpus: number;
  readonly start: number;
  end?: number;
}

const ACTIVE = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING'] as const;

/** The weight of a share identifier: an exact shareDistribution entry, else the longest matching `prefix*`, else 1. */
export function weightOf(policy: FairsharePolicy | undefined, share: string): number {
  let best: { len: number; w: number } | undefined;
  for (const d of policy?.shareDistribution ?? []) {
    const id = d.shareIdentifier ?? '';
    const w = d.weightFactor ?? 1;
    if (id === share) return w;
    if (id.endsWith('*') && share.startsWith(id.slice(0, -1)) && (!best || id.length > best.len)) best = { len: id.length, w };
  }
  return best?.w ?? 1;
}

/** The share of a job on a fair-share queue. */
export function shareOf(job: JobRecord): string {
  return job.plan.request.shareIdentifier ?? '';
}

export class FairShare {
  /** Attempts started on each queue, per share, while they count towards usage. */
  private readonly entries = new Map<QueueRecord, Map<string, UsageEntry[]>>();

  /** Records that an attempt of `job` started now (call right after Attempts.start). */
  started(q: QueueRecord, job: JobRecord, now: number): void {
    let byShare = this.entries.get(q);
    if (!byShare) this.entries.set(q, (byShare = new Map()));
    const share = shareOf(job);
    let list = byShare.get(share);
    if (!list) byShare.set(share, (list = []));
    list.push({ job, run: job.run, vcpus: needOf(job).vcpus, start: now });
  }

  /** Usage of each share of the queue in vCPUs (see the file comment); finished attempts are pruned. */
  usage(q: QueueRecord, policy: FairsharePolicy | undefined, now: number): Map<string, number> {
    const window = (policy?.shareDecaySeconds ?? 0) * 1000;
    const out = new Map<string, number>();
    for (const [share, list] of this.entries.get(q) ?? []) {
      let current = 0;
      let history = 0;
      let keep = 0;
      for (const e of list) {
        if (e.end === undefined && e.job.run !== e.run) e.end = e.job.stoppedAt ?? e.job.attempts?.at(-1)?.stoppedAt ?? now;
        if (e.end === undefined) current += e.vcpus;
        if (window > 0) history += e.vcpus * Math.max(0, Math.min(e.end ?? now, now) - Math.max(e.start, now - window));
        if (e.end === undefined || (window > 0 && e.end > now - window)) list[keep++] = e;
      }
      list.length = keep;
      out.set(share, current + (window > 0 ? history / window : 0));
    }
    return out;
  }

  /** The share whose head job goes next: lowest usage × weight, oldest head on ties. */
  choose(heads: ReadonlyMap<string, JobRecord>, usage: ReadonlyMap<string, number>, policy: FairsharePolicy | undefined): JobRecord | undefined {
    let best: { job: JobRecord; score: number } | undefined;
    for (const [share, job] of heads) {
      const score = (usage.get(share) ?? 0) * weightOf(policy, share);
      if (!best || score < best.score - 1e-9 || (Math.abs(score - best.score) <= 1e-9 && job.createdAt < best.job.createdAt)) best = { job, score };
    }
    return best?.job;
  }

  /**
   * Whether starting `job` keeps the compute reservation free: the queue's jobs may hold at most
   * (1 - (computeReservation/100)^activeShares) of the maximum vCPUs of its compute environments.
   */
  reservationAllows(q: QueueRecord, policy: FairsharePolicy | undefined, job: JobRecord, usage: ReadonlyMap<string, number>, now: number): boolean {
    const reservation = policy?.computeReservation ?? 0;
    if (reservation <= 0) return true;
    const active = this.activeShares(q, policy, usage, now);
    const ratio = (reservation / 100) ** Math.max(1, active);
    let max = 0;
    for (const ce of q.computeEnvironments) max += ce.capacity.vcpus;
    let held = 0;
    for (const list of this.entries.get(q)?.values() ?? []) for (const e of list) if (e.end === undefined) held += e.vcpus;
    return held + needOf(job).vcpus <= (1 - ratio) * max + 1e-9;
  }

  private activeShares(q: QueueRecord, policy: FairsharePolicy | undefined, usage: ReadonlyMap<string, number>, now: number): number {
    const shares = new Set<string>();
    for (const status of ACTIVE) for (const job of q.byStatus.get(status) ?? []) shares.add(shareOf(job));
    const window = (policy?.shareDecaySeconds ?? 0) * 1000;
    if (window > 0) {
      for (const [share, list] of this.entries.get(q) ?? []) if (usage.has(share) && list.some((e) => (e.end ?? now) > now - window)) shares.add(share);
    }
    return shares.size;
  }
}

/**
 * SubmitJob's (and SubmitServiceJob's) shareIdentifier: required on a queue with a fair-share
 * scheduling policy and refused on one without; up to 255 letters and digits, an asterisk after them
 * allowed.
 */
export function checkShareIdentifier(id: string | undefined, queue: { name: string; detail: { schedulingPolicyArn?: string } }): void {
  if (queue.detail.schedulingPolicyArn && !id) invalid(`Job queue ${queue.name} has a scheduling policy: shareIdentifier is required`);
  if (id === undefined) return;
  if (!queue.detail.schedulingPolicyArn) invalid(`Job queue ${queue.name} has no fair-share scheduling policy: do not specify shareIdentifier`);
  if (!/^[A-Za-z0-9]{1,255}\*?$/.test(id)) invalid(`shareIdentifier must be up to 255 letters and digits, optionally followed by an asterisk (*), not ${JSON.stringify(id.slice(0, 300))}`);
}
