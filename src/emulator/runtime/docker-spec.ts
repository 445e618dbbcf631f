/**
 * Pure mapping from the core's ContainerSpec to Docker Engine API create options. No I/O here, so
 * it is unit-tested without Docker.
 */

import type Docker from 'dockerode';
import type { ContainerSpec } from '../batch/core/ports';

/** Label put on every container this runtime creates, so leftovers can always be found. */
export const MANAGED_LABEL = 'dev.localbatch.managed';
export const MANAGED_LABEL_VALUE = 'true';

const MIB = 1024 * 1024;

export interface SpecMappingOptions {
  /** CPUs of the Docker host; NanoCpus is clamped to this (Docker rejects more). */
  readonly hostCpus: number;
}

export function toCreateOptions(spec: ContainerSpec, opts: SpecMappingOptions): Docker.ContainerCreateOptions {
  const hostConfig: Docker.HostConfig = {};

  const nanoCpus = toNanoCpus(spec.vcpus, opts.hostCpus);
  if (nanoCpus !== undefined) hostConfig.NanoCpus = nanoCpus;
  if (spec.memoryMiB > 0) {
    hostConfig.Memory = Math.round(spec.memoryMiB * MIB);
    hostConfig.MemorySwap = hostConfig.Memory; // equal to Memory: no swap, a hard limit as on AWS Batch
  }
  if (spec.gpus > 0) {
    hostConfig.DeviceRequests = [{ Driver: '', Count: Math.floor(spec.gpus), Capabilities: [['gpu']] }];
  }
  if (spec.readonlyRootFilesystem) hostConfig.ReadonlyRootfs = true;
  if (spec.privileged) hostConfig.Privileged = true;
  if (spec.ulimits && spec.ulimits.length > 0) {
    hostConfig.Ulimits = spec.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard }));
  }

  const binds: string[] = [];
  const mounts: Docker.MountSettings[] = [];
  for (const m of spec.mounts ?? []) {
    if (m.hostPath !== undefined) {
      binds.push(`${m.hostPath}:${m.containerPath}:${m.readOnly ? 'ro' : 'rw'}`);
    } else if (m.volumeName !== undefined) {
      // A named volume outlives the container (remove v=true removes anonymous volumes only). An
      // emptyDir starts empty, as the kubelet makes it: Docker would copy the image's files at that
      // path into a new volume.
      mounts.push({ Type: 'volume', Source: m.volumeName, Target: m.containerPath, ReadOnly: m.readOnly, ...(m.emptyDir ? { VolumeOptions: { NoCopy: true } as Docker.MountSettings['VolumeOptions'] } : {}) });
    } else {
      // No Source: Docker creates an anonymous volume, removed with the container (remove v=true).
      mounts.push({ Type: 'volume', Source: '', Target: m.containerPath, ReadOnly: m.readOnly });
    }
  }
  if (spec.network) hostConfig.NetworkMode = spec.network;
  if (spec.networkMode) hostConfig.NetworkMode = spec.networkMode;
  if (binds.length > 0) hostConfig.Binds = binds;
  if (mounts.length > 0) hostConfig.Mounts = mounts;

  if (spec.tmpfs && spec.tmpfs.length > 0) {
    const tmpfs: Record<string, string> = {};
    for (const t of spec.tmpfs) {
      tmpfs[t.containerPath] = [`size=${Math.round(t.sizeMiB)}m`, ...(t.mountOptions ?? [])].join(',');
    }
    hostConfig.Tmpfs = tmpfs;
  }
  if (spec.devices && spec.devices.length > 0) {
    hostConfig.Devices = spec.devices.map((d) => ({
      PathOnHost: d.hostPath,
      PathInContainer: d.containerPath ?? d.hostPath,
      CgroupPermissions: d.permissions ?? 'rwm',
    }));
  }
  if (spec.initProcessEnabled) hostConfig.Init = true;
  if (spec.sharedMemoryMiB !== undefined && spec.sharedMemoryMiB > 0) {
    hostConfig.ShmSize = Math.round(spec.sharedMemoryMiB * MIB);
  }

  const options: Docker.ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Env: Object.entries(spec.environment).map(([k, v]) => `${k}=${v}`),
    Labels: { ...spec.labels, [MANAGED_LABEL]: MANAGED_LABEL_VALUE },
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: hostConfig,
  };
  // ENTRYPOINT is kept; a non-empty command replaces the image's CMD (as ECS does).
  if (spec.command.length > 0) options.Cmd = [...spec.command];
  if (spec.entrypoint && spec.entrypoint.length > 0) options.Entrypoint = [...spec.entrypoint];
  if (spec.hostname && !spec.networkMode) options.Hostname = spec.hostname;
  if (spec.user !== undefined && spec.user !== '') options.User = spec.user;
  if (spec.workingDir !== undefined && spec.workingDir !== '') options.WorkingDir = spec.workingDir;
  if (spec.network && spec.networkAliases && spec.networkAliases.length > 0) {
    options.NetworkingConfig = { EndpointsConfig: { [spec.network]: { Aliases: [...spec.networkAliases] } } };
  }
  return options;
}

/** Labels of the named volumes this runtime creates (EFS file systems), so they can be found. */
export function volumeLabels(mount: { efs?: { fileSystemId: string; rootDirectory: string } }): Record<string, string> {
  const labels: Record<string, string> = { [MANAGED_LABEL]: MANAGED_LABEL_VALUE };
  if (mount.efs) {
    labels['dev.localbatch.efs.file-system-id'] = mount.efs.fileSystemId;
    labels['dev.localbatch.efs.root-directory'] = mount.efs.rootDirectory;
  }
  return labels;
}

/**
 * An emptyDir with `medium: Memory` is a tmpfs volume (the local driver's tmpfs type), sized by its
 * sizeLimit, writable by every user (mode 0777) as the kubelet makes an emptyDir.
 */
export function emptyDirDriver(mount: { emptyDir?: { memory: boolean; sizeMiB?: number } }): { Driver?: string; DriverOpts?: Record<string, string> } {
  if (!mount.emptyDir?.memory) return {};
  const size = mount.emptyDir.sizeMiB;
  return { Driver: 'local', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: [...(size !== undefined ? [`size=${size}m`] : []), 'mode=0777'].join(',') } };
}

/** vCPUs → NanoCpus, clamped to the host's CPUs; undefined (no limit) for 0 or less. */
export function toNanoCpus(vcpus: number, hostCpus: number): number | undefined {
  if (!(vcpus > 0)) return undefined;
  const cpus = Math.min(vcpus, Math.max(1, hostCpus));
  return Math.round(cpus * 1e9);
}

/** The label filter (Docker `filters` form) that selects managed containers with `labels`. */
export function labelFilters(labels: Readonly<Record<string, string>> = {}): { label: string[] } {
  return {
    label: [`${MANAGED_LABEL}=${MANAGED_LABEL_VALUE}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)],
  };
}

/** Adds ":latest" when an image reference has neither tag nor digest (the pull API needs one). */
export function withDefaultTag(image: string): string {
  if (image.includes('@')) return image;
  const lastSlash = image.lastIndexOf('/');
  return image.slice(lastSlash + 1).includes(':') ? image : `${image}:latest`;
}
