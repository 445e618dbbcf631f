/**
 * Which local Step Functions execution submitted which Batch job, read from the executions'
 * histories (the JobIds their Batch Tasks name), so the Local view shows an execution's jobs as one
 * run named after it instead of a run per job (a Map of 100 Batch tasks would bury every workflow
 * run). An ended execution's history never changes, so it is read once; a running one at most once a
 * second, and then only its events newer than the last read (a Map of thousands of tasks would
 * otherwise be read whole every second). Only AWS's own Step Functions API is used: Batch itself
 * records nothing of the kind.
 */
import type { ExecutionListItem } from '@aws-sdk/client-sfn';
import { lastEventId } from '../../client/sfn-history';
import { batchJobIdsOf, type HistoryEventLike } from '../../model/asl-live';
import type { RunOwner, RunOwnerOf } from '../../model/runs';

/** A running execution's history is read again at most this often. */
const RUNNING_REREAD_MS = 1000;
/** Histories read at once. */
const READ_AT_ONCE = 4;

/** Reads an execution's history events whose id is above `afterId` (0: the whole history). */
export type HistoryReader = (executionArn: string, afterId: number) => Promise<readonly HistoryEventLike[]>;

interface Known {
  readonly jobIds: ReadonlySet<string>;
  /** The highest event id read. */
  readonly lastId: number;
  readonly ended: boolean;
  readonly readAt: number;
  /** Its redrives when read: a redrive runs an ended execution again (RedriveExecution). */
  readonly redriveCount: number;
}

export class ExecutionJobs {
  private readonly known = new Map<string, Known>();
  private byJob = new Map<string, RunOwner>();
  /** Moves with each clear(): a read that began before it is dropped (it may be another emulator's). */
  private generation = 0;
  /** Changes whenever `ownerOf` answers differently. */
  version = 0;
  readonly ownerOf: RunOwnerOf = (jobId) => this.byJob.get(jobId);

  /**
   * Reads (with `read`: GetExecutionHistory) the histories not known yet, and the new events of
   * executions still running; `now` for the re-read bound. A history that cannot be read is tried
   * next time.
   */
  async update(read: HistoryReader, executions: readonly ExecutionListItem[], now = Date.now()): Promise<void> {
    const generation = this.generation;
    const wanted = executions.filter((e) => {
      const k = e.executionArn ? this.known.get(e.executionArn) : undefined;
      // (one that ended since it was read is read once more: its last jobs may be new; so is one
      // redriven since, whose history goes on)
      const redriven = k !== undefined && (e.redriveCount ?? 0) !== k.redriveCount;
      return e.executionArn && (!k || redriven || (!k.ended && (e.status !== 'RUNNING' || now - k.readAt >= RUNNING_REREAD_MS)));
    });
    for (let i = 0; i < wanted.length; i += READ_AT_ONCE) {
      await Promise.all(wanted.slice(i, i + READ_AT_ONCE).map(async (e) => {
        const before = this.known.get(e.executionArn!);
        const events = await read(e.executionArn!, before?.lastId ?? 0).catch(() => undefined);
        if (!events || generation !== this.generation) return;
        const jobIds = new Set([...(before?.jobIds ?? []), ...batchJobIdsOf(events)]);
        const lastId = lastEventId(events, before?.lastId ?? 0);
        this.known.set(e.executionArn!, { jobIds, lastId, ended: e.status !== 'RUNNING', readAt: now, redriveCount: e.redriveCount ?? 0 });
      }));
    }
    if (generation !== this.generation) return;
    // Executions no longer listed (older than the list keeps) are forgotten.
    const listed = new Set(executions.map((e) => e.executionArn));
    for (const arn of this.known.keys()) if (!listed.has(arn)) this.known.delete(arn);
    const byJob = new Map<string, RunOwner>();
    for (const e of executions) {
      const k = e.executionArn ? this.known.get(e.executionArn) : undefined;
      if (!k) continue;
      const ended = e.status === 'RUNNING' || e.status === undefined ? undefined : e.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED';
      const owner: RunOwner = { id: e.executionArn!, name: `${e.stateMachineArn?.split(':').at(-1) ?? '?'}: ${e.name ?? '?'} (Step Functions)`, ...(ended ? { ended } : {}) };
      for (const id of k.jobIds) byJob.set(id, owner);
    }
    if (!sameOwners(this.byJob, byJob)) {
      this.byJob = byJob;
      this.version++;
    }
  }

  clear(): void {
    this.generation++;
    this.known.clear();
    if (this.byJob.size > 0) this.version++;
    this.byJob = new Map();
  }
}

function sameOwners(a: ReadonlyMap<string, RunOwner>, b: ReadonlyMap<string, RunOwner>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k)?.id !== v.id || b.get(k)?.ended !== v.ended) return false;
  return true;
}
