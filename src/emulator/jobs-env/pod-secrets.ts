/**
 * EKS `secret` volumes, locally. A Kubernetes secret lives in the cluster, not in AWS, so its keys
 * come from `.localbatch/secrets.yaml` (git-ignored) under `kubernetes/<secretName>`: a mapping of
 * key → value, each key a file of the mounted folder (as the kubelet writes them, mode 0644). The
 * files of one attempt are written to a private temporary folder (0700), bind-mounted read-only,
 * and deleted when the attempt ends. A missing secret fails the attempt unless the volume is
 * `optional` (then the folder is empty). Failure texts never quote a value.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readSecretsFile, SecretsFileError } from '../../node/secrets-file';
import type { VolumeMount } from '../batch/core/ports';

export const POD_SECRET_PREFIX = 'kubernetes/';
const KEY = /^[-._a-zA-Z0-9]+$/;

export type PodSecretsResult = { ok: true; mounts: VolumeMount[] } | { ok: false; reason: string };

function failure(detail: string): { ok: false; reason: string } {
  return { ok: false, reason: `CreateContainerConfigError: MountVolume.SetUp failed: ${detail}` };
}

export class PodSecrets {
  private readonly folders = new Map<string, string>();

  constructor(private readonly workspaceRoot: string) {}

  /** `mounts` with each secret volume replaced by a read-only bind of its files. */
  prepare(jobId: string, attempt: number, mounts: readonly VolumeMount[]): PodSecretsResult {
    if (!mounts.some((m) => m.secret)) return { ok: true, mounts: [...mounts] };
    let file: ReadonlyMap<string, unknown>;
    try {
      file = readSecretsFile(this.workspaceRoot);
    } catch (err) {
      return failure(err instanceof SecretsFileError ? err.message : 'the secrets file cannot be read');
    }
    const key = `${jobId}#${attempt}`;
    this.release(jobId, attempt);
    const root = mkdtempSync(path.join(tmpdir(), 'localbatch-pod-secrets-'));
    this.folders.set(key, root);
    const out: VolumeMount[] = [];
    for (const [i, m] of mounts.entries()) {
      if (!m.secret) {
        out.push(m);
        continue;
      }
      const name = m.secret.secretName;
      const entry = file.get(`${POD_SECRET_PREFIX}${name}`);
      const dir = path.join(root, String(i));
      mkdirSync(dir);
      chmodSync(dir, 0o755);
      if (entry === undefined || entry === null) {
        if (!m.secret.optional) {
          this.release(jobId, attempt);
          return failure(`secret "${name}" not found (add ${POD_SECRET_PREFIX}${name} to .localbatch/secrets.yaml: a mapping of file name to content)`);
        }
      } else if (typeof entry !== 'object' || Array.isArray(entry)) {
        this.release(jobId, attempt);
        return failure(`${POD_SECRET_PREFIX}${name} in .localbatch/secrets.yaml must be a mapping of file name to content`);
      } else {
        for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
          if (!KEY.test(k) || k === '.' || k === '..') {
            this.release(jobId, attempt);
            return failure(`secret "${name}" has a key that is not a valid file name (letters, digits, '-', '_' and '.' only)`);
          }
          writeFileSync(path.join(dir, k), typeof v === 'string' ? v : JSON.stringify(v), { mode: 0o644 });
        }
      }
      out.push({ containerPath: m.containerPath, readOnly: true, hostPath: dir });
    }
    return { ok: true, mounts: out };
  }

  /** Deletes the attempt's secret files (a no-op when it has none). */
  release(jobId: string, attempt: number): void {
    const key = `${jobId}#${attempt}`;
    const root = this.folders.get(key);
    if (root === undefined) return;
    this.folders.delete(key);
    rmSync(root, { recursive: true, force: true });
  }
}
