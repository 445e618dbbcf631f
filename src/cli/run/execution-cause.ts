/**
 * An execution's error cause as one readable line. A failed Batch Task's cause is the whole
 * DescribeJobs detail of the job as JSON (kilobytes, its reason deep inside), so it is told by what
 * says why: the job, its status reason, and its last attempt's container reason and exit code.
 * Any other cause is shown whole up to a bound, cut at a word with an ellipsis.
 */
const MAX_CAUSE = 400;

interface BatchJobCause {
  readonly JobName?: string;
  readonly JobId?: string;
  readonly StatusReason?: string;
  readonly Attempts?: ReadonlyArray<{ readonly Container?: { readonly Reason?: string; readonly ExitCode?: number }; readonly StatusReason?: string }>;
  readonly Container?: { readonly Reason?: string; readonly ExitCode?: number };
}

export function causeLine(cause: string): string {
  const job = jobCauseLine(cause);
  if (job) return job;
  if (cause.length <= MAX_CAUSE) return cause;
  const cut = cause.slice(0, MAX_CAUSE);
  const at = cut.lastIndexOf(' ');
  return `${at > MAX_CAUSE / 2 ? cut.slice(0, at) : cut}…`;
}

/** A Batch job's cause (its DescribeJobs detail as JSON) as one line; undefined for any other cause. */
export function jobCauseLine(cause: string): string | undefined {
  const job = parseJob(cause);
  if (job) {
    const last = job.Attempts?.at(-1);
    const container = last?.Container ?? job.Container;
    const why = [
      typeof job.StatusReason === 'string' ? job.StatusReason : undefined,
      typeof container?.Reason === 'string' && container.Reason !== job.StatusReason ? container.Reason : undefined,
      typeof container?.ExitCode === 'number' ? `exit code ${container.ExitCode}` : undefined,
      job.Attempts && job.Attempts.length > 1 ? `after ${job.Attempts.length} attempts` : undefined,
    ].filter((p): p is string => typeof p === 'string' && p.length > 0);
    const head = `job ${job.JobName ?? '?'} (${job.JobId ?? '?'})`;
    return why.length > 0 ? `${head}: ${why.join('; ')}` : head;
  }
  return undefined;
}

function parseJob(cause: string): BatchJobCause | undefined {
  if (!cause.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(cause) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    const o = v as BatchJobCause;
    if (typeof o.JobId !== 'string' || (o.Attempts !== undefined && !Array.isArray(o.Attempts))) return undefined;
    return typeof o.StatusReason === 'string' || Array.isArray(o.Attempts) ? o : undefined;
  } catch {
    return undefined;
  }
}
