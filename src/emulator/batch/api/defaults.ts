/** Members AWS always includes in its Batch responses, empty when nothing was given. */

const CONTAINER_LISTS = ['volumes', 'environment', 'mountPoints', 'ulimits', 'secrets'] as const;

/**
 * A container (job definition's containerProperties or a job's container) with the lists AWS
 * always returns, `[]` where absent. Returns a copy; the input is not changed.
 */
export function withContainerLists<T extends object>(container: T): T {
  const out = { ...container } as Record<string, unknown>;
  for (const k of CONTAINER_LISTS) out[k] ??= [];
  return out as unknown as T;
}
