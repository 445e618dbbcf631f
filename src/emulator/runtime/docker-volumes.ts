/**
 * The named Docker volumes containers mount: made when first mounted (with localbatch's labels),
 * kept when they exist. An EKS pod's containers share their emptyDir volumes, and may start at once:
 * a container that mounts a volume another one is making waits until it is made.
 */
import type Docker from 'dockerode';
import type { ContainerSpec, VolumeMount } from '../batch/core/ports';
import { CALL_TIMEOUT_MS, withTimeout as within } from './docker-health';
import { emptyDirDriver, volumeLabels } from './docker-spec';
import { worldWritableFolders } from './tar';

export class DockerVolumes {
  /** The volumes being made: a container mounting one waits for it (once made, it is found). */
  private readonly making = new Map<string, Promise<void>>();

  constructor(private readonly docker: Docker) {}

  /** Makes the named volumes `spec` mounts that do not exist yet. */
  async ensure(spec: ContainerSpec): Promise<void> {
    for (const m of spec.mounts ?? []) {
      const name = m.volumeName;
      if (name === undefined || m.hostPath !== undefined) continue;
      let making = this.making.get(name);
      if (!making) {
        making = this.make(spec, m).finally(() => this.making.delete(name));
        this.making.set(name, making);
      }
      await making;
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await within(this.docker.getVolume(name).remove(), CALL_TIMEOUT_MS, 'volume remove');
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }

  private async make(spec: ContainerSpec, m: VolumeMount): Promise<void> {
    const volume = this.docker.getVolume(m.volumeName!);
    const exists = () => within(volume.inspect(), CALL_TIMEOUT_MS, 'volume inspect').then(() => true, () => false);
    if (await exists()) return;
    const options = { Name: m.volumeName, Labels: { ...volumeLabels(m), ...(m.emptyDir ? spec.labels : {}) }, ...emptyDirDriver(m) };
    await within(this.docker.createVolume(options), CALL_TIMEOUT_MS, 'volume create').catch(async (err: unknown) => {
      if (!(await exists())) throw err;
    });
    if (m.emptyDir && !m.emptyDir.memory) await this.worldWritable(spec.image, m.volumeName!);
  }

  /**
   * A new disk emptyDir as the kubelet makes one: owned by root, mode 0777 (a new Docker volume is
   * 0755), so a container of another user can write it (a memory one is mounted so: emptyDirDriver).
   * The mode is set through the archive API on a container of the job's image that mounts only the
   * volume and is never started, so the job's own read-only root or read-only mount cannot stop it.
   */
  private async worldWritable(image: string, volume: string): Promise<void> {
    const name = `${volume}-mode`;
    // (one left by a crash between its create and its remove)
    await this.docker.getContainer(name).remove({ force: true }).catch(() => undefined);
    const mount = { Type: 'volume' as const, Source: volume, Target: '/localbatch-volume', VolumeOptions: { NoCopy: true } as Docker.MountSettings['VolumeOptions'] };
    const helper = await within(this.docker.createContainer({ name, Image: image, Entrypoint: ['/localbatch-never-started'], Cmd: [], HostConfig: { Mounts: [mount] } }), CALL_TIMEOUT_MS, 'create');
    try {
      await within(helper.putArchive(await worldWritableFolders(['/localbatch-volume']), { path: '/' }), CALL_TIMEOUT_MS, 'emptyDir mode');
    } finally {
      await helper.remove({ force: true }).catch(() => undefined);
    }
  }
}
