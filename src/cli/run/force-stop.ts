/**
 * The second Ctrl-C of `localbatch run`: no more waiting for containers to stop on their own.
 * Force-removes the containers of the run's jobs (found by their job-id label, whichever emulator
 * started them) within a deadline, then the caller exits with 130.
 */
import Docker from 'dockerode';
import { labelFilters } from '../../emulator/runtime/docker-spec';

const JOB_ID_LABEL = 'dev.localbatch.job-id';
/** The force stop never takes longer than this, even when Docker does not answer. */
export const FORCE_STOP_DEADLINE_MS = 5_000;

/** Force-removes every managed container of these jobs (array children included); returns how many. */
export async function removeRunContainers(docker: Docker, jobIds: readonly string[], deadlineMs = FORCE_STOP_DEADLINE_MS): Promise<number> {
  const ids = new Set(jobIds);
  const ofRun = (jobId: string | undefined): boolean => jobId !== undefined && (ids.has(jobId) || ids.has(jobId.replace(/:\d+$/, '')));
  const work = (async () => {
    const list = await docker.listContainers({ all: true, filters: { label: [...labelFilters().label, JOB_ID_LABEL] } });
    const mine = list.filter((c) => ofRun(c.Labels?.[JOB_ID_LABEL]));
    const removed = await Promise.allSettled(mine.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
    return removed.filter((r) => r.status === 'fulfilled').length;
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(0), deadlineMs)));
  try {
    return await Promise.race([work.catch(() => 0), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
