/**
 * Job state events that arrive before `run` knows whose they are: SubmitJob's answer (the job id)
 * can come after the job's first events. Each job's are handed out as soon as its id is known, so
 * the progress lines stay in time order; the rest once every job is submitted.
 */
import type { JobStateChangeDetail } from '../../client/events';

export class EventHold {
  private held: Array<[JobStateChangeDetail, number]> = [];

  push(detail: JobStateChangeDetail, at: number): void {
    this.held.push([detail, at]);
  }

  /** The held events of job `jobId` (and of its array children, `jobId:i`), oldest first; no longer held. */
  release(jobId: string): Array<[JobStateChangeDetail, number]> {
    const mine = (d: JobStateChangeDetail) => d.jobId === jobId || d.jobId?.startsWith(`${jobId}:`) === true;
    const out = this.held.filter(([d]) => mine(d));
    this.held = this.held.filter(([d]) => !mine(d));
    return out;
  }

  /** Every event still held, oldest first; none held after. */
  releaseAll(): Array<[JobStateChangeDetail, number]> {
    const out = this.held;
    this.held = [];
    return out;
  }
}
