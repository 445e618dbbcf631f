/**
 * The mounts and host access of one attempt: EFS volumes stay the named Docker volumes the core
 * chose, unless `volumes:` in localbatch.yaml maps the file system (`fs-x`, or `fs-x:/root` for
 * one root directory) to a folder; host paths map the same way (keyed by sourcePath), else they
 * must be inside the workspace or allowed by `allowHostAccess`. An S3 Files file system maps like an
 * EFS one (keyed by its ARN or id), or to a local S3 bucket's folder (`s3://bucket[/prefix]`). The Docker socket, devices and
 * privileged mode need an explicit allowance (src/model/host-access.ts).
 */
import { mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { ContainerProperties } from '@aws-sdk/client-batch';
import { deviceProblem, hostPathProblem, privilegedProblem, resolvePolicy } from '../../model/host-access';
import type { LocalSettingsFile } from '../../model/types';
import { s3FilesId } from '../batch/core/plan';
import type { VolumeMount } from '../batch/core/ports';

export const HOST_ACCESS_REFUSED = 'CannotStartContainerError: localbatch refused host access: the job definition';

export type StorageResult = { ok: true; mounts: VolumeMount[] } | { ok: false; reason: string };

/** The real path of `p` (symlinks followed) when it exists, else `p`. */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** A local S3 bucket's folder, or undefined when the bucket does not exist (composition root: the S3 service's). */
export type BucketFolder = (bucket: string) => string | undefined;

export function prepareStorage(container: ContainerProperties, mounts: readonly VolumeMount[], settings: LocalSettingsFile | undefined, workspaceRoot: string, bucketFolder?: BucketFolder): StorageResult {
  const root = real(path.resolve(workspaceRoot));
  const resolved = resolvePolicy(settings, root);
  const policy = { ...resolved, allowHostAccess: resolved.allowHostAccess.map(real) };
  const volumes = settings?.volumes ?? {};
  const folder = (mapped: string, sub = '') => {
    const dir = path.join(path.resolve(root, mapped), sub);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  if (container.privileged) {
    const problem = privilegedProblem(policy);
    if (problem) return { ok: false, reason: `${HOST_ACCESS_REFUSED} ${problem.message}` };
  }
  for (const d of container.linuxParameters?.devices ?? []) {
    const problem = d.hostPath === undefined ? undefined : deviceProblem(d.hostPath, policy);
    if (problem) return { ok: false, reason: `${HOST_ACCESS_REFUSED} ${problem.message}` };
  }
  const out: VolumeMount[] = [];
  for (const m of mounts) {
    if (m.efs) {
      const exact = volumes[`${m.efs.fileSystemId}:${m.efs.rootDirectory}`];
      const whole = volumes[m.efs.fileSystemId];
      if (exact !== undefined) out.push({ hostPath: folder(exact), containerPath: m.containerPath, readOnly: m.readOnly });
      else if (whole !== undefined) out.push({ hostPath: folder(whole, m.efs.rootDirectory), containerPath: m.containerPath, readOnly: m.readOnly });
      else out.push(m);
      continue;
    }
    if (m.s3files) {
      const { fileSystemArn, rootDirectory } = m.s3files;
      const id = s3FilesId(fileSystemArn);
      const keys = [`${fileSystemArn}:${rootDirectory}`, `${id}:${rootDirectory}`, fileSystemArn, id];
      const key = keys.find((k) => volumes[k] !== undefined);
      if (key === undefined) {
        out.push(m);
        continue;
      }
      const sub = key.endsWith(`:${rootDirectory}`) ? '' : rootDirectory;
      const target = volumes[key];
      if (!target.startsWith('s3://')) {
        out.push({ hostPath: folder(target, sub), containerPath: m.containerPath, readOnly: m.readOnly });
        continue;
      }
      const [bucket, ...prefix] = target.slice('s3://'.length).split('/');
      const dir = bucketFolder?.(bucket);
      if (dir === undefined) {
        const why = bucketFolder ? `the local S3 has no bucket ${bucket} (create it, or declare it under buckets: in localbatch.yaml)` : 'the local S3 is not running here';
        return { ok: false, reason: `CannotStartContainerError: S3 Files volume ${fileSystemArn} is mapped to ${target}, but ${why}` };
      }
      const inBucket = path.join(dir, ...prefix.filter((p) => p !== ''), sub);
      if (path.relative(dir, inBucket).startsWith('..')) return { ok: false, reason: `CannotStartContainerError: S3 Files volume ${fileSystemArn}: ${target}${sub} is outside the bucket` };
      mkdirSync(inBucket, { recursive: true });
      out.push({ hostPath: inBucket, containerPath: m.containerPath, readOnly: m.readOnly });
      continue;
    }
    if (m.hostPath === undefined) {
      out.push(m);
      continue;
    }
    const mapped = volumes[m.hostPath];
    if (mapped !== undefined) {
      out.push({ hostPath: folder(mapped), containerPath: m.containerPath, readOnly: m.readOnly });
      continue;
    }
    const source = real(path.resolve(root, m.hostPath));
    const problem = hostPathProblem(source, policy);
    if (problem) return { ok: false, reason: `${HOST_ACCESS_REFUSED} ${problem.message}` };
    out.push({ ...m, hostPath: source });
  }
  return { ok: true, mounts: out };
}
