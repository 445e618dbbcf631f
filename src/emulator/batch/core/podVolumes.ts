/**
 * An EKS pod's `emptyDir` volumes: one named Docker volume per volume and attempt
 * (`localbatch-<task id>-<volume name>`), shared by every container of the pod that mounts it (init
 * containers included), as the kubelet shares a pod's emptyDir; a `medium: Memory` one is a tmpfs.
 * Created when the first container mounting it starts, removed when the attempt ends. Pure.
 */
import type { AttemptRun, JobRecord } from './jobs';
import type { VolumeMount } from './ports';

export function emptyDirVolumeName(taskId: string, volume: string): string {
  return `localbatch-${taskId}-${volume.replace(/[^A-Za-z0-9_.-]/g, '-')}`;
}

/** The mounts with each emptyDir given its attempt's volume. */
export function withPodVolumes(mounts: readonly VolumeMount[], run: Pick<AttemptRun, 'taskId'>): VolumeMount[] {
  return mounts.map((m) => (m.emptyDir ? { ...m, volumeName: emptyDirVolumeName(run.taskId, m.emptyDir.name) } : m));
}

/** The attempt's emptyDir volumes (to remove once its containers are gone). */
export function podVolumeNames(job: JobRecord, run: Pick<AttemptRun, 'taskId'>): string[] {
  const names = new Set<string>();
  for (const c of job.plan.task ?? []) for (const m of c.specBase.mounts ?? []) if (m.emptyDir) names.add(emptyDirVolumeName(run.taskId, m.emptyDir.name));
  return [...names];
}
